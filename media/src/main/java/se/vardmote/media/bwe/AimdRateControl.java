package se.vardmote.media.bwe;

/**
 * The delay-based rate (draft-ietf-rmcat-gcc-02 §5.5; libwebrtc's AimdRateControl): increase while the
 * detector says normal, hold while it says under-use (a queue drains), and on over-use fall to 0.85 × the
 * acknowledged rate, which under over-use is the bottleneck's rate, so the queue can drain. The increase is
 * multiplicative (8 %/s) while the link's capacity is unknown, and additive (about one packet per response
 * time) once over-use has shown where it is; it never goes above 1.5 × the acknowledged rate + 10 kbit/s, so
 * an application-limited sender does not carry an estimate it has never tested.
 *
 * <p>Owned by one estimator; not thread-safe. Rates in bits per second.
 */
final class AimdRateControl {

    /** draft-ietf-rmcat-gcc-02 §5.5: beta in [0.8, 0.95]; libwebrtc uses 0.85. */
    static final double BETA = 0.85;
    /** draft §5.5 "eta" = 1.08 per second, libwebrtc's multiplicative increase. */
    private static final double MULTIPLICATIVE_PER_SECOND = 1.08;
    /** libwebrtc: at least 1 kbit/s per multiplicative step, 4 kbit/s per second additive. */
    private static final double MIN_MULTIPLICATIVE_STEP = 1000;
    private static final double MIN_ADDITIVE_PER_SECOND = 4000;
    /** libwebrtc GetNearMaxIncreaseRateBpsPerSecond: 30 frames/s, 1200-byte packets, response time = RTT + 100 ms. */
    private static final double FRAMES_PER_SECOND = 30;
    private static final double PACKET_BITS = 1200 * 8;
    private static final long DETECTOR_RESPONSE_NANOS = 100_000_000L;
    /** libwebrtc: throughput-based limit 1.5 × acked + 10 kbit/s. */
    private static final double ACKED_HEADROOM = 1.5;
    private static final double ACKED_SLACK = 10_000;
    /** libwebrtc TimeToReduceFurther: one decrease per RTT, RTT clamped to [10, 200] ms. */
    private static final long MIN_REDUCTION_INTERVAL = 10_000_000L;
    private static final long MAX_REDUCTION_INTERVAL = 200_000_000L;

    private enum State { HOLD, INCREASE, DECREASE }

    private final long minBps;
    private final long maxBps;
    private final LinkCapacity link = new LinkCapacity();
    private double current;
    private State state = State.INCREASE;
    private boolean hasChange;
    private long lastChangeNanos;
    private long rttNanos = 200_000_000L; // libwebrtc's default until measured

    AimdRateControl(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.current = clamp(startBps);
    }

    long bitsPerSecond() {
        return (long) current;
    }

    void setRttNanos(long rtt) {
        rttNanos = rtt;
    }

    /** Sets the rate outright (a probe's result), as libwebrtc's SetEstimate. */
    void setEstimate(long bps, long nowNanos) {
        current = clamp(bps);
        hasChange = true;
        lastChangeNanos = nowNanos;
    }

    /** Whether an over-use now may lower the rate again: an RTT since the last change, or throughput halved. */
    boolean timeToReduceFurther(long nowNanos, long ackedBps) {
        long interval = Math.max(MIN_REDUCTION_INTERVAL, Math.min(MAX_REDUCTION_INTERVAL, rttNanos));
        if (!hasChange || nowNanos - lastChangeNanos >= interval) {
            return true;
        }
        return ackedBps > 0 && ackedBps < 0.5 * current;
    }

    /** Applies the detector's signal at {@code nowNanos}; {@code ackedBps} is 0 when not yet known. */
    void update(BandwidthUsage usage, long ackedBps, long nowNanos) {
        switch (usage) {
            case OVERUSING -> state = State.DECREASE;
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                    hasChange = true;
                    lastChangeNanos = nowNanos;
                }
            }
            case UNDERUSING -> state = State.HOLD; // let the queue drain before rising again
        }
        double next = current;
        switch (state) {
            case HOLD -> { }
            case INCREASE -> {
                if (ackedBps > link.upperBound()) {
                    link.reset(); // the link got wider than we learned: ramp fast again
                }
                double limit = ackedBps > 0 ? ACKED_HEADROOM * ackedBps + ACKED_SLACK : Double.MAX_VALUE;
                if (current < limit) {
                    double seconds = hasChange ? Math.min(1.0, (nowNanos - lastChangeNanos) / 1e9) : 0;
                    double increase = link.known() ? additiveIncrease(seconds) : multiplicativeIncrease(seconds);
                    next = Math.min(current + increase, limit);
                }
                hasChange = true;
                lastChangeNanos = nowNanos;
            }
            case DECREASE -> {
                if (ackedBps > 0) {
                    double decreased = BETA * ackedBps;
                    if (decreased > current && link.known()) {
                        decreased = BETA * link.estimate();
                    }
                    if (decreased < current) {
                        next = decreased;
                    }
                    if (ackedBps < link.lowerBound()) {
                        link.reset(); // far below what we learned: the link narrowed, relearn it
                    }
                    link.onOveruse(ackedBps);
                }
                state = State.HOLD; // until the queue has drained
                hasChange = true;
                lastChangeNanos = nowNanos;
            }
        }
        current = clamp(next);
    }

    private double multiplicativeIncrease(double seconds) {
        return Math.max(current * (Math.pow(MULTIPLICATIVE_PER_SECOND, seconds) - 1), MIN_MULTIPLICATIVE_STEP);
    }

    private double additiveIncrease(double seconds) {
        double frameBits = current / FRAMES_PER_SECOND;
        double packetsPerFrame = Math.max(1, Math.ceil(frameBits / PACKET_BITS));
        double packetBits = frameBits / packetsPerFrame;
        double responseSeconds = (rttNanos + DETECTOR_RESPONSE_NANOS) / 1e9;
        return Math.max(MIN_ADDITIVE_PER_SECOND, packetBits / responseSeconds) * seconds;
    }

    private double clamp(double bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }

    /**
     * Where the link's capacity was found: an average of the acknowledged rate at each over-use, and its spread
     * (libwebrtc's LinkCapacityEstimator: alpha 0.05, normalised variance in [0.4, 2.5], bounds at 3 deviations).
     */
    static final class LinkCapacity {
        private static final double ALPHA = 0.05;
        private double estimateKbps = -1;
        private double variance = 0.4;

        boolean known() {
            return estimateKbps >= 0;
        }

        double estimate() {
            return estimateKbps * 1000;
        }

        void reset() {
            estimateKbps = -1;
        }

        double upperBound() {
            return known() ? (estimateKbps + 3 * deviationKbps()) * 1000 : Double.MAX_VALUE;
        }

        double lowerBound() {
            return known() ? Math.max(0, estimateKbps - 3 * deviationKbps()) * 1000 : 0;
        }

        void onOveruse(double ackedBps) {
            double sample = ackedBps / 1000;
            estimateKbps = known() ? (1 - ALPHA) * estimateKbps + ALPHA * sample : sample;
            double error = estimateKbps - sample;
            variance = (1 - ALPHA) * variance + ALPHA * error * error / Math.max(estimateKbps, 1.0);
            variance = Math.max(0.4, Math.min(2.5, variance));
        }

        private double deviationKbps() {
            return Math.sqrt(variance * estimateKbps);
        }
    }
}
