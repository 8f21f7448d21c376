package se.vardmote.loadtest;

/**
 * What one subscriber received of one {@link SentStream}: unique packets and bytes in the measurement
 * window, duplicates, reordering and interarrival jitter (RFC 3550 §6.4.1 and A.8, from the send time
 * carried in the payload rather than RTP timestamps). Duplicates are found in a 1024-packet window behind
 * the highest sequence number; anything older counts as reordered.
 * Owned by the subscriber's event loop; read by the run only after the loop has finished with it.
 */
final class ReceivedStream {

    private static final int WINDOW = 1024;

    final SentStream source;
    private final long[] seen = new long[WINDOW / 64];
    private int highest = -1;
    private long lastTransitNanos;
    private boolean hasTransit;
    /** RFC 3550 A.8 estimate, in nanoseconds. */
    double jitterNanos;
    long received;
    long bytes;
    long duplicates;
    long reordered;

    ReceivedStream(SentStream source) {
        this.source = source;
    }

    /**
     * Accounts one packet.
     *
     * @return true when it is a first copy inside the window (its latency should be recorded)
     */
    boolean onPacket(int seq, long transitNanos, int wireBytes) {
        if (seq < 0) return false;
        boolean duplicate = false;
        boolean late = false;
        if (seq > highest) {
            int advance = highest < 0 ? WINDOW : seq - highest;
            if (advance >= WINDOW) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (int s = highest + 1; s < seq; s++) clear(s);
            }
            highest = seq;
            set(seq);
        } else if (highest - seq >= WINDOW) {
            late = true;
        } else if (isSet(seq)) {
            duplicate = true;
        } else {
            set(seq);
            late = true;
        }
        // RFC 3550 A.8: J += (|D| - J) / 16, D the difference of two packets' transit times.
        if (hasTransit) {
            long d = Math.abs(transitNanos - lastTransitNanos);
            jitterNanos += (d - jitterNanos) / 16.0;
        }
        lastTransitNanos = transitNanos;
        hasTransit = true;
        if (!source.inWindow(seq)) return false;
        if (duplicate) {
            duplicates++;
            return false;
        }
        if (late) reordered++;
        received++;
        bytes += wireBytes;
        return true;
    }

    private void set(int seq) {
        int bit = seq & (WINDOW - 1);
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(int seq) {
        int bit = seq & (WINDOW - 1);
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isSet(int seq) {
        int bit = seq & (WINDOW - 1);
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }
}
