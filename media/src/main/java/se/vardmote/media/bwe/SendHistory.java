package se.vardmote.media.bwe;

/**
 * What the server sent to one subscriber, by transport-wide sequence number: when, how many bytes, and which
 * probe cluster, so that transport-cc feedback (which names only sequence numbers) can be matched to send
 * times. A preallocated ring of {@link #SLOTS} entries; a 16-bit sequence number is unwrapped against the
 * highest one sent, so the ring holds the last {@value #SLOTS} packets (about 8 s at 1000 packets/s; feedback
 * arrives within 100 ms). Each slot also remembers whether feedback has reported the packet received or lost,
 * so a duplicated feedback counts nothing twice.
 *
 * <p>Owned by the subscriber transport's event loop; not thread-safe. Nothing is allocated after construction.
 */
public final class SendHistory {

    /** Slots in the ring; a power of two. */
    public static final int SLOTS = 8192;
    static final int NOT_A_PROBE = -1;
    /** Slot states. */
    static final byte SENT = 0;
    static final byte ACKED = 1;
    static final byte REPORTED_LOST = 2;

    private static final int MASK = SLOTS - 1;
    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] sequence = new long[SLOTS];
    private final long[] sendNanos = new long[SLOTS];
    private final int[] size = new int[SLOTS];
    private final int[] cluster = new int[SLOTS];
    private final byte[] state = new byte[SLOTS];
    private boolean started;
    /** Highest extended sequence number sent. */
    private long highest;
    private long sentPackets;

    public SendHistory() {
        java.util.Arrays.fill(sequence, EMPTY);
    }

    /**
     * Records a packet just sent with transport-wide sequence number {@code transportSequence16} (its low
     * 16 bits are used). {@code probeCluster} is the id {@link DownlinkEstimator#nextProbeCluster} returned for
     * every packet, media or padding, sent as part of that cluster, or -1.
     */
    public void onSent(int transportSequence16, long sendNanos, int sizeBytes, int probeCluster) {
        long extended = unwrap(transportSequence16);
        if (!started) {
            started = true;
            highest = extended;
        } else if (extended > highest) {
            highest = extended;
        }
        int slot = (int) (extended & MASK);
        sequence[slot] = extended;
        this.sendNanos[slot] = sendNanos;
        size[slot] = Math.max(0, sizeBytes);
        cluster[slot] = probeCluster < 0 ? NOT_A_PROBE : probeCluster;
        state[slot] = SENT;
        sentPackets++;
    }

    public long sentPackets() {
        return sentPackets;
    }

    /**
     * The extended form of {@code sequence16}: the one nearest the highest sent (RFC 3550 A.1's idea; a
     * feedback names packets sent within the last 32 768, and the ring holds far fewer than that).
     */
    long unwrap(int sequence16) {
        if (!started) {
            // Start far from zero so that sequence numbers just below the first one stay positive.
            return (1L << 32) + (sequence16 & 0xFFFF);
        }
        return highest + (short) ((sequence16 & 0xFFFF) - (int) (highest & 0xFFFF));
    }

    /** The slot holding extended sequence number {@code extended}, or -1 when it was never sent or is overwritten. */
    int slot(long extended) {
        if (!started) {
            return -1;
        }
        int slot = (int) (extended & MASK);
        return sequence[slot] == extended ? slot : -1;
    }

    long sendNanos(int slot) {
        return sendNanos[slot];
    }

    int size(int slot) {
        return size[slot];
    }

    int cluster(int slot) {
        return cluster[slot];
    }

    byte state(int slot) {
        return state[slot];
    }

    void setState(int slot, byte newState) {
        state[slot] = newState;
    }
}
