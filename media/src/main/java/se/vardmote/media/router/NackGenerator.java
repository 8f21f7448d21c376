package se.vardmote.media.router;

/**
 * Finds the packets of one published video stream that never reached the server and decides when to ask
 * the publisher for them again (RFC 4585 generic NACK), once for all subscribers. A gap is requested at
 * once, then again every {@link #RETRY_NANOS} until the packet arrives (as RTX or late), it has been asked
 * for {@link #MAX_TRIES} times, or it is older than {@link #MAX_AGE_NANOS} (then a keyframe is the cheaper
 * repair). Losses between the server and a subscriber are not this class's business: those are answered
 * from the {@link RetransmissionBuffer}.
 *
 * <p>The missing list is preallocated ({@link #CAPACITY} entries); a gap larger than that is not NACKed
 * but reported as {@link #onPacket} returning {@code true} (ask for a keyframe instead).
 * Owned by the router's event loop; not thread-safe; allocates nothing.
 */
final class NackGenerator {

    static final int CAPACITY = 256;
    static final long RETRY_NANOS = 50_000_000L;
    static final long MAX_AGE_NANOS = 1_000_000_000L;
    static final int MAX_TRIES = 8;

    private final int[] sequence = new int[CAPACITY];
    private final long[] firstMissedNanos = new long[CAPACITY];
    private final long[] lastAskedNanos = new long[CAPACITY];
    private final int[] tries = new int[CAPACITY];
    private int size;
    private boolean started;
    private int highest;
    long recovered;
    long givenUp;

    /**
     * A packet with RTP sequence number {@code seq} arrived. Returns true when it revealed a gap too large
     * to NACK (the caller should ask for a keyframe).
     */
    boolean onPacket(int seq, long nowNanos) {
        if (!started) {
            started = true;
            highest = seq;
            return false;
        }
        int ahead = (seq - highest) & 0xFFFF;
        if (ahead == 0) {
            return false;
        }
        if (ahead >= 0x8000) {
            remove(seq); // late or retransmitted
            return false;
        }
        boolean tooLarge = false;
        if (ahead - 1 > CAPACITY) {
            size = 0; // everything before is beyond repair by NACK
            tooLarge = true;
        } else {
            for (int s = 1; s < ahead; s++) {
                add((highest + s) & 0xFFFF, nowNanos);
            }
        }
        highest = seq;
        return tooLarge;
    }

    /**
     * Collects into {@code out} the sequence numbers due for a request at {@code nowNanos} (new gaps and
     * retries), in ascending RTP order, and returns how many; expires the hopeless ones.
     */
    int due(long nowNanos, int[] out) {
        int n = 0;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            boolean expired = tries[i] >= MAX_TRIES || nowNanos - firstMissedNanos[i] > MAX_AGE_NANOS;
            if (expired) {
                givenUp++;
                continue;
            }
            if (tries[i] == 0 || nowNanos - lastAskedNanos[i] >= RETRY_NANOS) {
                if (n < out.length) {
                    out[n++] = sequence[i];
                    tries[i]++;
                    lastAskedNanos[i] = nowNanos;
                }
            }
            if (kept != i) {
                sequence[kept] = sequence[i];
                firstMissedNanos[kept] = firstMissedNanos[i];
                lastAskedNanos[kept] = lastAskedNanos[i];
                tries[kept] = tries[i];
            }
            kept++;
        }
        size = kept;
        return n;
    }

    /**
     * A retransmission of {@code seq} arrived: returns true when the server was missing it (it is then no
     * longer missing), false when it is a copy of a packet already received or given up (drop it).
     */
    boolean recover(int seq) {
        return started && remove(seq);
    }

    /** Sequence numbers still missing (for tests and stats). */
    int missing() {
        return size;
    }

    private void add(int seq, long nowNanos) {
        if (size == CAPACITY) {
            // Full: the oldest entry is the least likely to be repaired in time.
            System.arraycopy(sequence, 1, sequence, 0, size - 1);
            System.arraycopy(firstMissedNanos, 1, firstMissedNanos, 0, size - 1);
            System.arraycopy(lastAskedNanos, 1, lastAskedNanos, 0, size - 1);
            System.arraycopy(tries, 1, tries, 0, size - 1);
            size--;
            givenUp++;
        }
        sequence[size] = seq;
        firstMissedNanos[size] = nowNanos;
        lastAskedNanos[size] = nowNanos;
        tries[size] = 0;
        size++;
    }

    private boolean remove(int seq) {
        for (int i = 0; i < size; i++) {
            if (sequence[i] == seq) {
                int tail = size - i - 1;
                System.arraycopy(sequence, i + 1, sequence, i, tail);
                System.arraycopy(firstMissedNanos, i + 1, firstMissedNanos, i, tail);
                System.arraycopy(lastAskedNanos, i + 1, lastAskedNanos, i, tail);
                System.arraycopy(tries, i + 1, tries, i, tail);
                size--;
                recovered++;
                return true;
            }
        }
        return false;
    }
}
