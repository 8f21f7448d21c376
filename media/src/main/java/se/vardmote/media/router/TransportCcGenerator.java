package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import se.vardmote.media.rtcp.TransportCcFeedback;

/**
 * The receive side of transport-wide congestion control for one publisher transport: records when each
 * transport-wide sequence number arrived and turns that into {@link TransportCcFeedback} packets, which the
 * publisher's send-side estimator (Google Congestion Control in every browser) needs to raise its bitrate.
 * Without this feedback Chromium never leaves its 300 kbit/s start value.
 *
 * <p>Arrival times sit in a preallocated ring indexed by sequence number; nothing is allocated per packet.
 * A feedback covers every sequence number from the first not yet reported to the highest received; a
 * packet that arrives after its number was reported lost is ignored (the sender has moved on).
 * Owned by the router's event loop; not thread-safe.
 */
final class TransportCcGenerator {

    /** Sequence numbers tracked at once; more than 50 ms of packets at any rate a browser sends. */
    static final int WINDOW = 1 << 11;
    private static final long NONE = Long.MIN_VALUE;
    private static final long TICK_NANOS = TransportCcFeedback.DELTA_TICK_MICROS * 1_000L;
    /** Reference-time units (64 ms) in delta ticks (250 µs). */
    private static final long TICKS_PER_REFERENCE = TransportCcFeedback.REFERENCE_TIME_MICROS
            / TransportCcFeedback.DELTA_TICK_MICROS;

    private final long[] arrivalNanos = new long[WINDOW];
    private final byte[] symbols = new byte[TransportCcFeedback.MAX_STATUSES];
    private final short[] deltas = new short[TransportCcFeedback.MAX_STATUSES];
    private final long epochNanos;
    private boolean started;
    /** Extended (unwrapped) sequence numbers. */
    private long nextToReport;
    private long highest;
    private int feedbackCount;
    private int mediaSsrc;
    long late;

    TransportCcGenerator(long epochNanos) {
        this.epochNanos = epochNanos;
        Arrays.fill(arrivalNanos, NONE);
    }

    /** Records that transport-wide sequence number {@code sequence} (16 bits) arrived at {@code nowNanos}. */
    void onPacket(int sequence, int ssrc, long nowNanos) {
        mediaSsrc = ssrc;
        long extended;
        if (!started) {
            started = true;
            extended = sequence;
            nextToReport = extended;
            highest = extended;
        } else {
            extended = highest + (short) (sequence - (int) highest);
        }
        if (extended < nextToReport) {
            late++;
            return;
        }
        if (extended - nextToReport >= WINDOW) {
            // A jump past the window (a long silence, or a restart of the sender's counter): start afresh.
            clear(nextToReport, highest);
            nextToReport = extended;
        }
        arrivalNanos[(int) (extended & (WINDOW - 1))] = nowNanos;
        if (extended > highest) {
            highest = extended;
        }
    }

    boolean hasPending() {
        return started && highest >= nextToReport;
    }

    /**
     * Writes the next feedback packet into {@code out} (which needs {@link #maxLength()} writable bytes)
     * and returns its length, or 0 when nothing is pending. Call again while {@link #hasPending()}.
     */
    int writeFeedback(ByteBuf out, int senderSsrc) {
        if (!hasPending()) {
            return 0;
        }
        long first = nextToReport;
        while (arrivalNanos[(int) (first & (WINDOW - 1))] == NONE) {
            first++; // the highest is always present, so this ends
        }
        long referenceTicks = Math.floorDiv(ticks(arrivalNanos[(int) (first & (WINDOW - 1))]), TICKS_PER_REFERENCE);
        long previous = referenceTicks * TICKS_PER_REFERENCE;
        int count = 0;
        int deltaCount = 0;
        long seq = nextToReport;
        while (seq <= highest && count < TransportCcFeedback.MAX_STATUSES) {
            long arrival = arrivalNanos[(int) (seq & (WINDOW - 1))];
            if (arrival == NONE) {
                symbols[count++] = TransportCcFeedback.NOT_RECEIVED;
            } else {
                long at = ticks(arrival);
                int symbol = TransportCcFeedback.symbolFor(at - previous);
                if (symbol < 0) {
                    break; // this one starts the next feedback, with its own reference time
                }
                symbols[count++] = (byte) symbol;
                deltas[deltaCount++] = (short) (at - previous);
                previous = at;
            }
            seq++;
        }
        int length = TransportCcFeedback.write(out, senderSsrc, mediaSsrc, (int) (nextToReport & 0xFFFF),
                (int) (referenceTicks & 0xFFFFFF), feedbackCount & 0xFF, symbols, count, deltas);
        feedbackCount++;
        clear(nextToReport, nextToReport + count - 1);
        nextToReport += count;
        return length;
    }

    static int maxLength() {
        return TransportCcFeedback.maxLength(TransportCcFeedback.MAX_STATUSES);
    }

    private long ticks(long nanos) {
        return Math.floorDiv(nanos - epochNanos, TICK_NANOS);
    }

    private void clear(long from, long to) {
        for (long s = from; s <= to && s < from + WINDOW; s++) {
            arrivalNanos[(int) (s & (WINDOW - 1))] = NONE;
        }
    }
}
