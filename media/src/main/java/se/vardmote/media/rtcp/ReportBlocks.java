package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Reception report blocks (RFC 3550 §6.4.1), shared by {@link SenderReport} and {@link ReceiverReport}:
 * 24 bytes each, read in place. Package-private; not thread-safe.
 */
final class ReportBlocks {

    static final int BLOCK_LENGTH = 24;

    private ReportBlocks() {
    }

    static int checkIndex(int i, int count) {
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("report block " + i + " of " + count);
        }
        return i;
    }

    static long ssrc(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedInt(blockOffset);
    }

    static int fractionLost(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedByte(blockOffset + 4);
    }

    /** 24-bit signed cumulative number of packets lost. */
    static int cumulativeLost(ByteBuf buf, int blockOffset) {
        return buf.getMedium(blockOffset + 5);
    }

    static long extendedHighestSequence(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedInt(blockOffset + 8);
    }

    static long jitter(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedInt(blockOffset + 12);
    }

    static long lastSenderReport(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedInt(blockOffset + 16);
    }

    static long delaySinceLastSenderReport(ByteBuf buf, int blockOffset) {
        return buf.getUnsignedInt(blockOffset + 20);
    }
}
