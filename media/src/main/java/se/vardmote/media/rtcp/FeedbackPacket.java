package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * The common format of RTCP feedback messages (RFC 4585 §6.1): header with FMT, sender SSRC, media
 * SSRC, then feedback control information (FCI). Shared by {@link TransportFeedback} and
 * {@link PayloadFeedback}. Allocation-free and reusable; borrows the buffer. Not thread-safe.
 */
abstract class FeedbackPacket {

    /** Header (4), sender SSRC (4), media SSRC (4). */
    public static final int MIN_LENGTH = 12;

    private final int packetType;
    ByteBuf buf;
    int offset;
    private int fciLength;

    FeedbackPacket(int packetType) {
        this.packetType = packetType;
    }

    /** Views the current packet of {@code compound}; false unless it is a well-formed packet of this type. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength() - compound.paddingLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset} (padding excluded). */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < MIN_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != packetType) {
            return false;
        }
        this.buf = buf;
        this.offset = offset;
        this.fciLength = length - MIN_LENGTH;
        return true;
    }

    public int fmt() {
        return buf.getUnsignedByte(offset) & 0x1F;
    }

    public long senderSsrc() {
        return buf.getUnsignedInt(offset + 4);
    }

    /** The media source (for FIR, RFC 5104 §4.3.1.2 says it is 0 and the FCI entries name the sources). */
    public long mediaSsrc() {
        return buf.getUnsignedInt(offset + 8);
    }

    public int mediaSsrcInt() {
        return buf.getInt(offset + 8);
    }

    /** Absolute index of the feedback control information. */
    public int fciOffset() {
        return offset + MIN_LENGTH;
    }

    public int fciLength() {
        return fciLength;
    }
}
