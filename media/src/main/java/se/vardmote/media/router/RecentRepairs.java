package se.vardmote.media.router;

/**
 * When each of the last {@link RetransmissionBuffer#SLOTS} packets of one subscription was last resent, so
 * that a NACK repeated before the repair could have arrived is not answered again. A browser asks again after
 * its own idea of the round trip, often shorter than the real one on a congested link whose queue adds delay;
 * answering every repeat sends the same packet into that queue two or three times over (libwebrtc's sender
 * likewise resends a packet at most once per RTT). Preallocated; owned by the router's event loop.
 */
final class RecentRepairs {

    /** The least interval between two repairs of one packet, whatever the RTT measured. */
    static final long MIN_INTERVAL_NANOS = 5_000_000L;
    /** The interval while the subscriber's RTT is unknown (a browser's own default for NACK). */
    static final long DEFAULT_INTERVAL_NANOS = 100_000_000L;

    private final long[] resentAt = new long[RetransmissionBuffer.SLOTS];
    private final int[] resentSequence = new int[RetransmissionBuffer.SLOTS];

    RecentRepairs() {
        java.util.Arrays.fill(resentSequence, -1);
    }

    /**
     * Whether the packet this subscriber knows as {@code outSequence} was resent less than one RTT
     * ({@code rttNanos}, 0 when unknown) before {@code nowNanos}.
     */
    boolean resentLately(int outSequence, long nowNanos, long rttNanos) {
        int slot = outSequence & (RetransmissionBuffer.SLOTS - 1);
        long interval = rttNanos > 0 ? Math.max(MIN_INTERVAL_NANOS, rttNanos) : DEFAULT_INTERVAL_NANOS;
        return resentSequence[slot] == outSequence && nowNanos - resentAt[slot] < interval;
    }

    void resent(int outSequence, long nowNanos) {
        int slot = outSequence & (RetransmissionBuffer.SLOTS - 1);
        resentSequence[slot] = outSequence;
        resentAt[slot] = nowNanos;
    }
}
