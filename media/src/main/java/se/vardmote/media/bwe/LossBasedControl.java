package se.vardmote.media.bwe;

/**
 * The loss-based rate (draft-ietf-rmcat-gcc-02 §6; libwebrtc's classic SendSideBandwidthEstimation): loss
 * measured over at least {@link #MIN_PACKETS} packets; under 2 % the rate may grow 8 % above the lowest it was
 * in the last second, between 2 and 10 % it holds (random loss on a radio link is not congestion), above 10 %
 * it falls by half the loss fraction, at most once per 300 ms + RTT. It never exceeds the delay-based rate;
 * the estimator reports the lower of the two.
 *
 * <p>Owned by one estimator; not thread-safe. Rates in bits per second.
 */
final class LossBasedControl {

    /** libwebrtc kLimitNumPackets: a loss fraction over fewer packets is noise. */
    static final int MIN_PACKETS = 20;
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

    /** The last loss fraction computed over at least {@link #MIN_PACKETS} packets (0 before any). */
    double lossFraction() {
        return lossFraction;
    }

    boolean decreasedLastUpdate() {
        return decreasedLastUpdate;
    }

    /** Counts packets feedback reported lost ({@code lost}) and all it reported on ({@code expected}). */
    void onPackets(int lost, int expected, long nowNanos) {
        lostAccumulated = Math.max(0, lostAccumulated + lost);
        expectedAccumulated += expected;
        if (expectedAccumulated >= MIN_PACKETS) {
            lossFraction = Math.min(1.0, (double) lostAccumulated / expectedAccumulated);
            lostAccumulated = 0;
            expectedAccumulated = 0;
            hasLossReport = true;
            lossReportNanos = nowNanos;
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
        if (hasLossReport && nowNanos - lossReportNanos < LOSS_REPORT_MAX_AGE_NANOS) {
            if (lossFraction <= LOW_LOSS) {
                double lowest = Math.min(historyMinCurrent, historyMinPrevious);
                current = lowest * INCREASE_FACTOR + INCREASE_SLACK;
            } else if (lossFraction > HIGH_LOSS
                    && (!hasDecrease || nowNanos - lastDecreaseNanos >= DECREASE_INTERVAL_NANOS + rttNanos)) {
                current = current * (1 - 0.5 * lossFraction);
                hasDecrease = true;
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
