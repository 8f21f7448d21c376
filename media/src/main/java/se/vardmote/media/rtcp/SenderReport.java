package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View of a sender report (RFC 3550 §6.4.1, PT 200): sender SSRC, NTP and RTP timestamps, packet and octet
 * counts, then report blocks. Reads and writes in place; allocation-free and reusable. Borrows the buffer.
 * Not thread-safe: owned by one event loop.
 */
public final class SenderReport {

    /** Header (4) + sender SSRC (4) + sender info (20). */
    public static final int MIN_LENGTH = 28;

    private ByteBuf buf;
    private int offset;
    private int reportCount;

    /** Views the current packet of {@code compound}; false unless it is a well-formed SR. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset}; false unless they are a well-formed SR. */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < MIN_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != RtcpCompound.SR) {
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

    /** 64-bit NTP timestamp (RFC 3550 §4): seconds since 1900 in the high 32 bits, fraction in the low. */
    public long ntpTimestamp() {
        return buf.getLong(offset + 8);
    }

    public long rtpTimestamp() {
        return buf.getUnsignedInt(offset + 16);
    }

    public long packetCount() {
        return buf.getUnsignedInt(offset + 20);
    }

    public long octetCount() {
        return buf.getUnsignedInt(offset + 24);
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

    /** Absolute index of the packet in its buffer. */
    public int offset() {
        return offset;
    }

    public void setSenderSsrc(long ssrc) {
        buf.setInt(offset + 4, (int) ssrc);
    }

    public void setRtpTimestamp(long timestamp) {
        buf.setInt(offset + 16, (int) timestamp);
    }

    /**
     * Writes a sender report without report blocks: 28 bytes at the writer index of {@code out}.
     * Borrows {@code out}.
     */
    public static void write(ByteBuf out, long senderSsrc, long ntpTimestamp, long rtpTimestamp,
                             long packetCount, long octetCount) {
        out.writeByte(0x80);
        out.writeByte(RtcpCompound.SR);
        out.writeShort(MIN_LENGTH / 4 - 1);
        out.writeInt((int) senderSsrc);
        out.writeLong(ntpTimestamp);
        out.writeInt((int) rtpTimestamp);
        out.writeInt((int) packetCount);
        out.writeInt((int) octetCount);
    }
}
