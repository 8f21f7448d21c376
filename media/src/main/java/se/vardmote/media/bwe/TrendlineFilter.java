package se.vardmote.media.bwe;

/**
 * The slope of queuing delay over time (libwebrtc's trendline filter, which replaced the Kalman filter of
 * draft-ietf-rmcat-gcc-02 §5.3): each group delta's one-way delay variation (arrival delta minus send delta) is
 * accumulated, smoothed exponentially, and a least-squares line is fitted through the last {@link #WINDOW}
 * points of (arrival time, smoothed delay). A slope near 0 means the queue holds steady; 0.1 means it grows
 * by 100 µs per ms, i.e. the sender is about 10 % above capacity.
 *
 * <p>Units are milliseconds (as doubles) because the detector's thresholds are stated in them. Preallocated;
 * owned by one estimator, not thread-safe.
 */
final class TrendlineFilter {

    /** libwebrtc kDefaultTrendlineWindowSize. */
    static final int WINDOW = 20;
    /** libwebrtc kDefaultTrendlineSmoothingCoeff. */
    private static final double SMOOTHING = 0.9;
    /** libwebrtc kDeltaCounterMax: the delta count only needs to reach the detector's 60. */
    private static final int MAX_DELTAS = 1000;

    private final double[] arrivalMs = new double[WINDOW];
    private final double[] smoothedDelayMs = new double[WINDOW];
    private int next;
    private int filled;
    private int deltas;
    private boolean hasFirst;
    private double firstArrivalMs;
    private double accumulatedDelayMs;
    private double smoothedMs;
    private double trend;

    void reset() {
        next = 0;
        filled = 0;
        deltas = 0;
        hasFirst = false;
        accumulatedDelayMs = 0;
        smoothedMs = 0;
        trend = 0;
    }

    /** Adds one group delta and returns the current slope (the previous one until the window is full). */
    double update(double arrivalDeltaMs, double sendDeltaMs, double arrivalTimeMs) {
        if (deltas < MAX_DELTAS) {
            deltas++;
        }
        if (!hasFirst) {
            hasFirst = true;
            firstArrivalMs = arrivalTimeMs;
        }
        accumulatedDelayMs += arrivalDeltaMs - sendDeltaMs;
        smoothedMs = SMOOTHING * smoothedMs + (1 - SMOOTHING) * accumulatedDelayMs;
        arrivalMs[next] = arrivalTimeMs - firstArrivalMs;
        smoothedDelayMs[next] = smoothedMs;
        next = (next + 1) % WINDOW;
        if (filled < WINDOW) {
            filled++;
        }
        if (filled == WINDOW) {
            trend = slope(trend);
        }
        return trend;
    }

    /** How many deltas were seen since the last reset (capped); the detector trusts the slope more as it grows. */
    int deltas() {
        return deltas;
    }

    private double slope(double fallback) {
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < WINDOW; i++) {
            sumX += arrivalMs[i];
            sumY += smoothedDelayMs[i];
        }
        double meanX = sumX / WINDOW;
        double meanY = sumY / WINDOW;
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = arrivalMs[i] - meanX;
            numerator += dx * (smoothedDelayMs[i] - meanY);
            denominator += dx * dx;
        }
        return denominator == 0 ? fallback : numerator / denominator;
    }
}
