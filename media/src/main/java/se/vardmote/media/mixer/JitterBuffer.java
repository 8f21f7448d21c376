package se.vardmote.media.mixer;

import io.netty.buffer.ByteBuf;

/**
 * A small jitter buffer for one Opus stream, in packets of 20 ms: reorders by RTP sequence number and plays
 * out one packet per mixer tick once {@value #TARGET_PACKETS} are buffered (40 ms, plus up to one tick of
 * phase: 40–60 ms). A gap in the sequence is played as a loss (the decoder's PLC conceals it); after
 * {@value #MAX_CONCEALED} losses in a row (the talker muted, or the stream stalled) it stops and primes
 * again. When it grows past {@value #MAX_PACKETS} (the sender's clock runs fast, or a burst arrived) the
 * oldest packet is skipped so latency stays bounded.
 *
 * <p>Payloads are copied into pre-allocated slots; nothing is allocated after construction.
 * Owned by the mixer's event loop; not thread-safe.
 */
final class JitterBuffer {

    static final int SLOTS = 16;
    static final int TARGET_PACKETS = 2;
    static final int MAX_PACKETS = 5;
    static final int MAX_CONCEALED = 5;
    /** RFC 6716 §3.4 R2: at most 1275 bytes per Opus frame; a 20 ms packet holds one. */
    static final int MAX_PAYLOAD = 1275;

    /** What {@link #next} found. */
    static final int SILENT = 0;
    static final int PACKET = 1;
    static final int LOST = 2;

    private final byte[][] payloads = new byte[SLOTS][MAX_PAYLOAD];
    private final int[] lengths = new int[SLOTS];
    private final int[] sequences = new int[SLOTS];
    private final boolean[] filled = new boolean[SLOTS];
    private int buffered;
    private boolean started;
    private boolean playing;
    private int nextSequence;
    private int concealed;

    long late;
    long tooLarge;
    long skipped;
    long duplicates;

    /** Stores one packet's payload ({@code length} bytes at absolute {@code offset}). */
    void put(int sequence, ByteBuf buf, int offset, int length) {
        if (length <= 0 || length > MAX_PAYLOAD) {
            tooLarge++;
            return;
        }
        if (!started || (!playing && buffered == 0)) {
            reset(sequence);
        }
        int ahead = (short) (sequence - nextSequence); // signed distance in 16-bit sequence space
        if (ahead < 0) {
            late++;
            return;
        }
        if (ahead >= SLOTS) { // far ahead: the sender jumped (restart, long stall); start over from it
            reset(sequence);
        }
        int slot = sequence & (SLOTS - 1);
        if (filled[slot]) {
            duplicates++;
            return;
        }
        buf.getBytes(offset, payloads[slot], 0, length);
        lengths[slot] = length;
        sequences[slot] = sequence;
        filled[slot] = true;
        buffered++;
    }

    /**
     * One tick: {@link #PACKET} (its payload is {@link #payload()}/{@link #payloadLength()} until the next
     * call), {@link #LOST} (conceal), or {@link #SILENT} (not playing).
     */
    int next() {
        if (!playing) {
            if (buffered < TARGET_PACKETS) {
                return SILENT;
            }
            playing = true;
            concealed = 0;
            while (!filled[nextSequence & (SLOTS - 1)]) nextSequence = (nextSequence + 1) & 0xFFFF;
        }
        while (buffered > MAX_PACKETS) {
            dropOldest();
        }
        int slot = nextSequence & (SLOTS - 1);
        nextSequence = (nextSequence + 1) & 0xFFFF;
        if (filled[slot]) {
            filled[slot] = false;
            buffered--;
            current = slot;
            concealed = 0;
            return PACKET;
        }
        if (++concealed > MAX_CONCEALED) {
            playing = false;
            return SILENT;
        }
        return LOST;
    }

    private int current;

    byte[] payload() {
        return payloads[current];
    }

    int payloadLength() {
        return lengths[current];
    }

    private void dropOldest() {
        for (int i = 0; i < SLOTS; i++) {
            int slot = nextSequence & (SLOTS - 1);
            nextSequence = (nextSequence + 1) & 0xFFFF;
            if (filled[slot]) {
                filled[slot] = false;
                buffered--;
                skipped++;
                return;
            }
        }
    }

    private void reset(int sequence) {
        java.util.Arrays.fill(filled, false);
        buffered = 0;
        started = true;
        playing = false;
        nextSequence = sequence;
    }
}
