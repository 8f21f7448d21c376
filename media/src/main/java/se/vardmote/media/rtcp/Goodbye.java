package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View of a BYE packet (RFC 3550 §6.6, PT 203): the sources leaving and an optional reason.
 * Allocation-free and reusable; borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class Goodbye {

    private ByteBuf buf;
    private int offset;
    private int sourceCount;
    private int reasonOffset;
    private int reasonLength;

    /** Views the current packet of {@code compound}; false unless it is a well-formed BYE. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength() - compound.paddingLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset} (padding excluded). */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < RtcpCompound.HEADER_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != RtcpCompound.BYE) {
            return false;
        }
        int sc = buf.getUnsignedByte(offset) & 0x1F;
        int sourcesEnd = RtcpCompound.HEADER_LENGTH + 4 * sc;
        if (sourcesEnd > length) {
            return false;
        }
        int rOffset = 0;
        int rLength = 0;
        if (sourcesEnd < length) {
            rLength = buf.getUnsignedByte(offset + sourcesEnd);
            rOffset = offset + sourcesEnd + 1;
            if (sourcesEnd + 1 + rLength > length) {
                return false;
            }
        }
        this.buf = buf;
        this.offset = offset;
        this.sourceCount = sc;
        this.reasonOffset = rOffset;
        this.reasonLength = rLength;
        return true;
    }

    public int sourceCount() {
        return sourceCount;
    }

    public long source(int i) {
        if (i < 0 || i >= sourceCount) {
            throw new IllegalArgumentException("source " + i + " of " + sourceCount);
        }
        return buf.getUnsignedInt(offset + RtcpCompound.HEADER_LENGTH + 4 * i);
    }

    /** Absolute index of the reason text, 0 if none. */
    public int reasonOffset() {
        return reasonOffset;
    }

    public int reasonLength() {
        return reasonLength;
    }
}
