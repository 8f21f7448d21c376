package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View of a receiver report (RFC 3550 §6.4.2, PT 201): sender SSRC and report blocks, read in place.
 * Allocation-free and reusable. Borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class ReceiverReport {

    /** Header (4) + sender SSRC (4). */
    public static final int MIN_LENGTH = 8;

    private ByteBuf buf;
    private int offset;
    private int reportCount;

    /** Views the current packet of {@code compound}; false unless it is a well-formed RR. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset}; false unless they are a well-formed RR. */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < MIN_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != RtcpCompound.RR) {
            return false;
        }
        int rc = buf.getUnsignedByte(offset) & 0x1F;
        if (MIN_LENGTH + rc * ReportBlocks.BLOCK_LENGTH > length) {
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
        return offset + MIN_LENGTH + ReportBlocks.checkIndex(i, reportCount) * ReportBlocks.BLOCK_LENGTH;
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
