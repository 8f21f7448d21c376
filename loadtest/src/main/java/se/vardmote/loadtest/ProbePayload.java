package se.vardmote.loadtest;

import io.netty.buffer.ByteBuf;

/**
 * The measurement record every simulated RTP payload carries: a magic word, the sending stream's id
 * (unique in this process), a sequence number of our own (no wrap, unlike RTP's 16 bits) and the send
 * time from {@link System#nanoTime()}. Sender and receiver are the same process, so the difference of
 * two nanoTime readings is the added latency. Stateless; any thread.
 *
 * <p>The record sits right after the codec's first payload byte (the VP8 payload descriptor, RFC 7741
 * §4.2, or the Opus TOC byte, RFC 6716 §3.1), so the payload still looks like its codec's.
 */
final class ProbePayload {

    /** "VMLT". */
    static final int MAGIC = 0x564D4C54;
    /** Offset of the record inside the RTP payload. */
    static final int OFFSET = 1;
    static final int LENGTH = 20;

    private ProbePayload() {}

    static void write(ByteBuf out, int streamId, int sequence, long sendNanos) {
        out.writeInt(MAGIC);
        out.writeInt(streamId);
        out.writeInt(sequence);
        out.writeLong(sendNanos);
    }

    /** True when {@code length} bytes at {@code payloadOffset} hold a record (bounds checked, no exception). */
    static boolean isProbe(ByteBuf buf, int payloadOffset, int length) {
        return length >= OFFSET + LENGTH && payloadOffset >= 0 && payloadOffset + OFFSET + LENGTH <= buf.writerIndex()
                && buf.getInt(payloadOffset + OFFSET) == MAGIC;
    }

    static int streamId(ByteBuf buf, int payloadOffset) { return buf.getInt(payloadOffset + OFFSET + 4); }

    static int sequence(ByteBuf buf, int payloadOffset) { return buf.getInt(payloadOffset + OFFSET + 8); }

    static long sendNanos(ByteBuf buf, int payloadOffset) { return buf.getLong(payloadOffset + OFFSET + 12); }
}
