package se.vardmote.media.bwe;

/**
 * Turns the trendline's slope into {@link BandwidthUsage} against an adaptive threshold
 * (draft-ietf-rmcat-gcc-02 §5.4 with libwebrtc's trendline constants). The slope is scaled by the number of
 * deltas seen (up to 60) and a gain of 4 so it is comparable with the threshold in ms; over-use is declared
 * only when the scaled slope stays above the threshold for more than 10 ms of send time and two groups, and is
 * not falling. The threshold follows the scaled slope, up quickly (k_up) and down slowly (k_down), so that a
 * loss-based competing flow's steady queue does not starve us, while a sudden spike (more than 15 above) does
 * not drag it along.
 *
 * <p>Owned by one estimator; not thread-safe.
 */
final class OveruseDetector {

    /** libwebrtc kDefaultTrendlineThresholdGain. */
    private static final double THRESHOLD_GAIN = 4.0;
    /** libwebrtc kMinNumDeltas: the slope is trusted in proportion to the deltas behind it, up to 60. */
    private static final int MIN_DELTAS = 60;
    /** libwebrtc kOverUsingTimeThreshold (ms). */
    private static final double OVERUSING_TIME_MS = 10;
    /**
     * libwebrtc's trendline values k_up = 0.0087, k_down = 0.039 (per ms). The draft's §5.4 values
     * (k_u = 0.01, k_d = 0.00018) belong to its Kalman filter's scale and are not used.
     */
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    /** libwebrtc: initial threshold 12.5, clamped to [6, 600]; kMaxAdaptOffsetMs 15; at most 100 ms per update. */
    static final double INITIAL_THRESHOLD = 12.5;
    private static final double MIN_THRESHOLD = 6;
    private static final double MAX_THRESHOLD = 600;
    private static final double MAX_ADAPT_OFFSET = 15;
    private static final double MAX_THRESHOLD_STEP_MS = 100;

    private double threshold = INITIAL_THRESHOLD;
    private double timeOverUsingMs = -1;
    private int overuseCount;
    private double previousTrend;
    private boolean hasLastUpdate;
    private double lastUpdateMs;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;

    void reset() {
        threshold = INITIAL_THRESHOLD;
        timeOverUsingMs = -1;
        overuseCount = 0;
        previousTrend = 0;
        hasLastUpdate = false;
        usage = BandwidthUsage.NORMAL;
    }

    BandwidthUsage usage() {
        return usage;
    }

    double threshold() {
        return threshold;
    }

    /** Takes the slope after a group delta of {@code sendDeltaMs} at receiver time {@code nowMs}. */
    BandwidthUsage detect(double trend, int deltas, double sendDeltaMs, double nowMs) {
        if (deltas < 2) {
            usage = BandwidthUsage.NORMAL;
            return usage;
        }
        double modified = Math.min(deltas, MIN_DELTAS) * trend * THRESHOLD_GAIN;
        if (modified > threshold) {
            // Assume we have over-used for half the time since the previous sample.
            timeOverUsingMs = timeOverUsingMs < 0 ? sendDeltaMs / 2 : timeOverUsingMs + sendDeltaMs;
            overuseCount++;
            if (timeOverUsingMs > OVERUSING_TIME_MS && overuseCount > 1 && trend >= previousTrend) {
                timeOverUsingMs = 0;
                overuseCount = 0;
                usage = BandwidthUsage.OVERUSING;
            }
        } else if (modified < -threshold) {
            timeOverUsingMs = -1;
            overuseCount = 0;
            usage = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingMs = -1;
            overuseCount = 0;
            usage = BandwidthUsage.NORMAL;
        }
        previousTrend = trend;
        adaptThreshold(modified, nowMs);
        return usage;
    }

    private void adaptThreshold(double modified, double nowMs) {
        if (!hasLastUpdate) {
            hasLastUpdate = true;
            lastUpdateMs = nowMs;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + MAX_ADAPT_OFFSET) {
            // A spike (e.g. a sudden capacity drop) must not raise the threshold and hide the next one.
            lastUpdateMs = nowMs;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double elapsed = Math.max(0, Math.min(nowMs - lastUpdateMs, MAX_THRESHOLD_STEP_MS));
        threshold += k * (magnitude - threshold) * elapsed;
        threshold = Math.max(MIN_THRESHOLD, Math.min(MAX_THRESHOLD, threshold));
        lastUpdateMs = nowMs;
    }
}
