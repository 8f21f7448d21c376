package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * What sender and receiver reports share (RFC 3550 §6.4): the sender SSRC, then report blocks after
 * a type-specific fixed part. Allocation-free and reusable; borrows the buffer. Not thread-safe.
 */
abstract class ReportPacket {

    private final int packetType;
    private final int fixedLength;
    ByteBuf buf;
    int offset;
    private int reportCount;

    ReportPacket(int packetType, int fixedLength) {
        this.packetType = packetType;
        this.fixedLength = fixedLength;
    }

    /** Views the current packet of {@code compound}; false unless it is a well-formed report of this type. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset}; false unless they are a well-formed report. */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < fixedLength || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != packetType) {
            return false;
        }
        int rc = buf.getUnsignedByte(offset) & 0x1F;
        if (fixedLength + rc * ReportBlocks.BLOCK_LENGTH > length) {
            return false;
        }
        this.buf = buf;
        this.offset = offset;
        this.reportCount = rc;
        return true;
    }

    public long senderSsrc() {
        return buf.getUnsignedInt(offset + 4);
    }

    public int reportCount() {
        return reportCount;
    }

    private int block(int i) {
        return offset + fixedLength + ReportBlocks.checkIndex(i, reportCount) * ReportBlocks.BLOCK_LENGTH;
    }

    public long reportSsrc(int i) {
        return ReportBlocks.ssrc(buf, block(i));
    }

    public int fractionLost(int i) {
        return ReportBlocks.fractionLost(buf, block(i));
    }

    public int cumulativeLost(int i) {
        return ReportBlocks.cumulativeLost(buf, block(i));
    }

    public long extendedHighestSequence(int i) {
        return ReportBlocks.extendedHighestSequence(buf, block(i));
    }

    public long jitter(int i) {
        return ReportBlocks.jitter(buf, block(i));
    }

    public long lastSenderReport(int i) {
        return ReportBlocks.lastSenderReport(buf, block(i));
    }

    public long delaySinceLastSenderReport(int i) {
        return ReportBlocks.delaySinceLastSenderReport(buf, block(i));
    }
}
