package se.vardmote.media.router;

/**
 * What one subscriber may be sent in repairs (retransmissions): a byte budget refilled at
 * {@link #SHARE_OF_ESTIMATE} of its downlink estimate and holding at most {@link #DEPTH_NANOS} of that rate.
 * Random loss needs repairs of a few per cent of the video; when a subscriber asks for more, its link is
 * full, and resending into the full queue only lengthens it (libwebrtc likewise limits retransmissions by the
 * send rate it is allowed). A NACK over budget goes unanswered and the receiver asks again, or for a keyframe.
 * Owned by the router's event loop; no allocation.
 */
final class RepairBudget {

    static final double SHARE_OF_ESTIMATE = 0.5;
    static final long DEPTH_NANOS = 250_000_000L;
    /** The budget holds at least this much, so that a low estimate can still repair a packet or two. */
    static final int MIN_DEPTH_BYTES = 2 * 1200;

    private double bytes;
    private long refilledAt;
    private boolean started;

    /**
     * Takes {@code size} bytes for one repair at {@code nowNanos} when the budget has them; with no estimate
     * ({@code estimateBps} 0 or less) repairs are not limited.
     */
    boolean take(int size, long nowNanos, long estimateBps) {
        if (estimateBps <= 0) return true;
        double rate = estimateBps * SHARE_OF_ESTIMATE / 8;
        double depth = Math.max(MIN_DEPTH_BYTES, rate * DEPTH_NANOS / 1e9);
        bytes = started ? Math.min(depth, bytes + rate * Math.max(0, nowNanos - refilledAt) / 1e9) : depth;
        started = true;
        refilledAt = nowNanos;
        if (bytes < size) return false;
        bytes -= size;
        return true;
    }
}
