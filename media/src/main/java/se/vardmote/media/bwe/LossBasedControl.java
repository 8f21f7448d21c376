package se.vardmote.media.bwe;

/**
 * The loss-based rate (draft-ietf-rmcat-gcc-02 §6; libwebrtc's classic SendSideBandwidthEstimation): while
 * under 2 % of the last {@link #MIN_PACKETS} or more packets were lost the rate may grow 8 % above the lowest it
 * was in the last second; when over 10 % were lost in a window of {@link #WINDOW_NANOS} (and as many packets)
 * it falls by half that fraction, once per window and at most once per 300 ms + RTT; otherwise it holds (random
 * loss on a radio link is not congestion). It never exceeds the delay-based rate; the estimator reports the
 * lower of the two.
 *
 * <p>The cut's window is libwebrtc's: its loss fraction comes from the receiver reports, one a second for
 * video, not from each transport-cc feedback. Over a feedback's 20 packets, 5 % random loss reads as more than
 * 10 % in one window of thirteen, and the rate, cut by each and regained only 8 % a second, sank under a
 * group's lowest layers (a CI run paused two of a subscriber's pictures on a link that carried them all). The
 * growth keeps the short window: waiting a second to see a clean link let a cap climb past a narrow one.
 *
 * <p>Owned by one estimator; not thread-safe. Rates in bits per second.
 */
final class LossBasedControl {

    /** libwebrtc kLimitNumPackets: a loss fraction over fewer packets is noise. */
    static final int MIN_PACKETS = 20;
    /** A loss fraction spans at least this long: libwebrtc's receiver-report interval for video. */
    static final long WINDOW_NANOS = 1_000_000_000L;
    /** draft §6 and libwebrtc kDefaultLowLossThreshold / kDefaultHighLossThreshold. */
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    /** draft §6: As_hat = 1.05 × As_hat + 1 kbit/s; libwebrtc uses 1.08, relative to the last second's minimum. */
    private static final double INCREASE_FACTOR = 1.08;
    private static final double INCREASE_SLACK = 1000;
    /** libwebrtc kBweDecreaseInterval (300 ms), plus the RTT. */
    private static final long DECREASE_INTERVAL_NANOS = 300_000_000L;
    /** The "last second" minimum is kept in two half-second buckets (libwebrtc keeps a deque of samples). */
    private static final long HISTORY_BUCKET_NANOS = 500_000_000L;
    /** libwebrtc: a loss report older than 1.2 × 5 s no longer drives the rate. */
    private static final long LOSS_REPORT_MAX_AGE_NANOS = 6_000_000_000L;

    private final long minBps;
    private final long maxBps;
    private double current;
    private int lostAccumulated;
    private int expectedAccumulated;
    private double lossFraction;
    private boolean hasLossReport;
    private long lossReportNanos;
    private boolean hasDecrease;
    /** libwebrtc has_decreased_since_last_fraction_loss_: one cut per measured fraction. */
    private boolean decreasedSinceLossReport;
    private int recentLost;
    private int recentExpected;
    private double recentLossFraction;
    private boolean hasRecentReport;
    private long recentReportNanos;
    private boolean windowStarted;
    private long windowStartNanos;
    private long lastDecreaseNanos;
    private long historyBucket = Long.MIN_VALUE;
    private double historyMinCurrent = Double.MAX_VALUE;
    private double historyMinPrevious = Double.MAX_VALUE;
    private boolean decreasedLastUpdate;

    LossBasedControl(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.current = clamp(startBps);
    }

    long bitsPerSecond() {
        return (long) current;
    }

    /** The last loss fraction over a window of {@link #WINDOW_NANOS} and {@link #MIN_PACKETS} packets (0 before any). */
    double lossFraction() {
        return lossFraction;
    }

    /**
     * The loss fraction over the last {@link #MIN_PACKETS} packets or more, without waiting for the window: not
     * for the rate, which it would shake, but to tell at once that a link has begun to drop what it is sent.
     */
    double recentLossFraction() {
        return recentLossFraction;
    }

    boolean decreasedLastUpdate() {
        return decreasedLastUpdate;
    }

    /** Counts packets feedback reported lost ({@code lost}) and all it reported on ({@code expected}). */
    void onPackets(int lost, int expected, long nowNanos) {
        if (!windowStarted) {
            windowStarted = true;
            windowStartNanos = nowNanos;
        }
        recentLost = Math.max(0, recentLost + lost);
        recentExpected += expected;
        if (recentExpected >= MIN_PACKETS) {
            recentLossFraction = Math.min(1.0, (double) recentLost / recentExpected);
            recentLost = 0;
            recentExpected = 0;
            hasRecentReport = true;
            recentReportNanos = nowNanos;
        }
        lostAccumulated = Math.max(0, lostAccumulated + lost);
        expectedAccumulated += expected;
        if (expectedAccumulated >= MIN_PACKETS && nowNanos - windowStartNanos >= WINDOW_NANOS) {
            lossFraction = Math.min(1.0, (double) lostAccumulated / expectedAccumulated);
            lostAccumulated = 0;
            expectedAccumulated = 0;
            windowStartNanos = nowNanos;
            hasLossReport = true;
            lossReportNanos = nowNanos;
            decreasedSinceLossReport = false;
        }
    }

    /** Sets the rate outright (a probe's result) and forgets the history that would cap its next increase. */
    void setEstimate(long bps) {
        current = clamp(bps);
        historyMinCurrent = Double.MAX_VALUE;
        historyMinPrevious = Double.MAX_VALUE;
    }

    /** Recomputes the rate after a feedback, capped by {@code delayBasedBps}. */
    void update(long nowNanos, long delayBasedBps, long rttNanos) {
        decreasedLastUpdate = false;
        rememberForHistory(nowNanos);
        if (hasRecentReport && nowNanos - recentReportNanos < LOSS_REPORT_MAX_AGE_NANOS
                && recentLossFraction <= LOW_LOSS) {
            double lowest = Math.min(historyMinCurrent, historyMinPrevious);
            current = lowest * INCREASE_FACTOR + INCREASE_SLACK;
        } else if (hasLossReport && nowNanos - lossReportNanos < LOSS_REPORT_MAX_AGE_NANOS) {
            if (lossFraction > HIGH_LOSS && !decreasedSinceLossReport
                    && (!hasDecrease || nowNanos - lastDecreaseNanos >= DECREASE_INTERVAL_NANOS + rttNanos)) {
                current = current * (1 - 0.5 * lossFraction);
                hasDecrease = true;
                decreasedSinceLossReport = true;
                lastDecreaseNanos = nowNanos;
                decreasedLastUpdate = true;
            }
        }
        current = clamp(Math.min(current, delayBasedBps));
    }

    private void rememberForHistory(long nowNanos) {
        long bucket = Math.floorDiv(nowNanos, HISTORY_BUCKET_NANOS);
        if (bucket != historyBucket) {
            historyMinPrevious = bucket == historyBucket + 1 ? historyMinCurrent : Double.MAX_VALUE;
            historyMinCurrent = Double.MAX_VALUE;
            historyBucket = bucket;
        }
        historyMinCurrent = Math.min(historyMinCurrent, current);
    }

    private double clamp(double bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }
}
