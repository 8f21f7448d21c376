package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * A cursor over the packets of one compound RTCP packet (RFC 3550 §6.1): each packet's common header is
 * checked (version 2, length field in 32-bit words minus one, inside the compound) before it is exposed.
 * Reusable and allocation-free; {@link #reset(ByteBuf)} starts over. Borrows the buffer: it never retains
 * or releases it. Not thread-safe: owned by one event loop.
 *
 * <p>Iteration stops at the first malformed packet; {@link #malformed()} then tells the caller. Packets
 * before it remain valid (RFC 3550 §6.1 validity checks are the caller's policy, not this cursor's).
 */
public final class RtcpCompound {

    /** Largest compound accepted: one UDP datagram. */
    public static final int MAX_COMPOUND_LENGTH = 65_535;
    /** RFC 3550 §6.4: every RTCP packet has a 4-byte common header. */
    public static final int HEADER_LENGTH = 4;

    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** RFC 4585 §6.1: transport-layer feedback. */
    public static final int RTPFB = 205;
    /** RFC 4585 §6.1: payload-specific feedback. */
    public static final int PSFB = 206;

    private ByteBuf buf;
    private int position;
    private int end;
    private int packetOffset;
    private int packetLength;
    private boolean malformed;

    /** Starts iterating the readable bytes of {@code buf}. Borrows it. */
    public RtcpCompound reset(ByteBuf buf) {
        return reset(buf, buf.readerIndex(), buf.readableBytes());
    }

    /** Starts iterating {@code length} bytes at absolute index {@code offset} of {@code buf}. Borrows it. */
    public RtcpCompound reset(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.malformed = false;
        this.packetOffset = 0;
        this.packetLength = 0;
        if (offset < 0 || length < 0 || length > MAX_COMPOUND_LENGTH || offset > buf.writerIndex() - length) {
            this.position = 0;
            this.end = 0;
            this.malformed = true;
            return this;
        }
        this.position = offset;
        this.end = offset + length;
        return this;
    }

    /** Moves to the next packet; false at the end of the compound or at a malformed packet. */
    public boolean next() {
        if (position >= end) {
            return false;
        }
        if (end - position < HEADER_LENGTH) {
            return stopMalformed();
        }
        int b0 = buf.getUnsignedByte(position);
        if ((b0 >>> 6) != 2) {
            return stopMalformed();
        }
        // RFC 3550 §6.4.1: "the length of this RTCP packet in 32-bit words minus one".
        int bytes = 4 * (buf.getUnsignedShort(position + 2) + 1);
        if (bytes > end - position) {
            return stopMalformed();
        }
        if ((b0 & 0x20) != 0) {
            int padding = buf.getUnsignedByte(position + bytes - 1);
            if (padding == 0 || padding > bytes - HEADER_LENGTH) {
                return stopMalformed();
            }
        }
        packetOffset = position;
        packetLength = bytes;
        position += bytes;
        return true;
    }

    private boolean stopMalformed() {
        malformed = true;
        position = end;
        return false;
    }

    /** True when iteration stopped at bytes that are not a valid RTCP packet. */
    public boolean malformed() {
        return malformed;
    }

    /** The buffer being iterated (borrowed). */
    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the current packet. */
    public int packetOffset() {
        return packetOffset;
    }

    /** Length of the current packet in bytes, header and padding included. */
    public int packetLength() {
        return packetLength;
    }

    /** Packet type (200 SR, 201 RR, ... 206 PSFB). */
    public int packetType() {
        return buf.getUnsignedByte(packetOffset + 1);
    }

    /** The 5-bit count field: report count, source count, or the feedback message type (FMT). */
    public int count() {
        return buf.getUnsignedByte(packetOffset) & 0x1F;
    }

    /** Padding octets at the end of the current packet (0 when the P bit is clear). */
    public int paddingLength() {
        return (buf.getByte(packetOffset) & 0x20) != 0 ? buf.getUnsignedByte(packetOffset + packetLength - 1) : 0;
    }
}
