package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View of a sender report (RFC 3550 §6.4.1, PT 200): sender SSRC, NTP and RTP timestamps, packet and octet
 * counts, then report blocks. Reads and writes in place; allocation-free and reusable. Borrows the buffer.
 * Not thread-safe: owned by one event loop.
 */
public final class SenderReport extends ReportPacket {

    /** Header (4) + sender SSRC (4) + sender info (20). */
    public static final int MIN_LENGTH = 28;

    public SenderReport() {
        super(RtcpCompound.SR, MIN_LENGTH);
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
