package se.vardmote.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight view over one RTP packet in a {@link ByteBuf} (RFC 3550 §5.1): getters read the header
 * in place, setters write it in place. {@link #wrap(ByteBuf)} validates the fixed header, the CSRC list,
 * the header-extension block and the padding against the readable bytes, so that no getter can read
 * outside the packet. Allocates nothing; one instance is reused for every packet.
 *
 * <p>Borrows the buffer it wraps: it never retains or releases it, and its contents are only valid until
 * the caller gives the buffer away. Not thread-safe: owned by one event loop.
 */
public final class RtpPacket {

    /** RFC 3550 §5.1: the fixed header is 12 bytes. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** RFC 8285 §4.2: "defined by profile" value of the one-byte form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** RFC 8285 §4.3: the two-byte form is 0x100 in the upper 12 bits; the low 4 bits are app bits. */
    public static final int TWO_BYTE_PROFILE = 0x1000;
    /** Largest packet this view accepts; anything bigger cannot have come in one UDP datagram on our path. */
    public static final int MAX_PACKET_LENGTH = 65_535;

    private ByteBuf buf;
    private int start;
    private int length;
    private int csrcCount;
    private int headerLength;
    private int extensionProfile;
    private int extensionStart;
    private int extensionEnd;
    private int paddingLength;

    /**
     * Views the readable bytes of {@code buf} as one RTP packet. Borrows {@code buf}; the reader and writer
     * indexes are not moved. Returns false (and the view is then unusable) when the bytes are not a
     * well-formed RTP version 2 packet; never throws for malformed input.
     */
    public boolean wrap(ByteBuf buf) {
        return wrap(buf, buf.readerIndex(), buf.readableBytes());
    }

    /** As {@link #wrap(ByteBuf)}, for {@code length} bytes at absolute index {@code offset}. Borrows. */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < FIXED_HEADER_LENGTH || length > MAX_PACKET_LENGTH
                || offset > buf.writerIndex() - length) {
            return false;
        }
        int b0 = buf.getUnsignedByte(offset);
        if ((b0 >>> 6) != 2) {
            return false;
        }
        int cc = b0 & 0x0F;
        int header = FIXED_HEADER_LENGTH + 4 * cc;
        if (header > length) {
            return false;
        }
        int profile = 0;
        int extStart = 0;
        int extEnd = 0;
        if ((b0 & 0x10) != 0) {
            // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words excluding this 4-byte header.
            if (header + 4 > length) {
                return false;
            }
            profile = buf.getUnsignedShort(offset + header);
            int words = buf.getUnsignedShort(offset + header + 2);
            extStart = offset + header + 4;
            extEnd = extStart + 4 * words;
            header += 4 + 4 * words;
            if (header > length) {
                return false;
            }
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            padding = buf.getUnsignedByte(offset + length - 1);
            if (padding == 0 || header + padding > length) {
                return false;
            }
        }
        this.buf = buf;
        this.start = offset;
        this.length = length;
        this.csrcCount = cc;
        this.headerLength = header;
        this.extensionProfile = profile;
        this.extensionStart = extStart;
        this.extensionEnd = extEnd;
        this.paddingLength = padding;
        return true;
    }

    /** The buffer this view reads (borrowed). */
    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first byte of the packet. */
    public int offset() {
        return start;
    }

    /** Whole packet length in bytes, padding included. */
    public int length() {
        return length;
    }

    public int version() {
        return buf.getUnsignedByte(start) >>> 6;
    }

    public boolean hasPadding() {
        return (buf.getByte(start) & 0x20) != 0;
    }

    public boolean hasExtension() {
        return (buf.getByte(start) & 0x10) != 0;
    }

    public int csrcCount() {
        return csrcCount;
    }

    /** The i-th contributing source (0 ≤ i < {@link #csrcCount()}), unsigned. */
    public long csrc(int i) {
        if (i < 0 || i >= csrcCount) {
            throw new IllegalArgumentException("csrc index " + i + " of " + csrcCount);
        }
        return buf.getUnsignedInt(start + FIXED_HEADER_LENGTH + 4 * i);
    }

    public boolean marker() {
        return (buf.getByte(start + 1) & 0x80) != 0;
    }

    public int payloadType() {
        return buf.getByte(start + 1) & 0x7F;
    }

    /** 16-bit sequence number, 0..65535. */
    public int sequenceNumber() {
        return buf.getUnsignedShort(start + 2);
    }

    /** 32-bit RTP timestamp, unsigned. */
    public long timestamp() {
        return buf.getUnsignedInt(start + 4);
    }

    /** 32-bit synchronisation source, unsigned. */
    public long ssrc() {
        return buf.getUnsignedInt(start + 8);
    }

    /** The SSRC as a raw int (for maps keyed by int). */
    public int ssrcInt() {
        return buf.getInt(start + 8);
    }

    /** Header length: fixed header, CSRCs and the whole extension block. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute index of the first payload byte. */
    public int payloadOffset() {
        return start + headerLength;
    }

    /** Payload length, padding excluded. */
    public int payloadLength() {
        return length - headerLength - paddingLength;
    }

    /** Padding octets at the end of the packet (0 when the P bit is clear). */
    public int paddingLength() {
        return paddingLength;
    }

    /** The extension block's "defined by profile" field, or 0 without an extension. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute index of the first byte after the extension block's 4-byte header (0 without one). */
    public int extensionDataOffset() {
        return extensionStart;
    }

    /** Length of the extension block's data in bytes, its 4-byte header excluded. */
    public int extensionDataLength() {
        return extensionEnd - extensionStart;
    }

    /** True when the packet carries RFC 8285 header extensions (one-byte or two-byte form). */
    public boolean hasRfc8285Extensions() {
        return extensionProfile == ONE_BYTE_PROFILE || (extensionProfile & 0xFFF0) == TWO_BYTE_PROFILE;
    }

    /**
     * Points {@code cursor} at the first RFC 8285 element; returns false when there are none (no extension,
     * or another profile). Iterate with {@link RtpHeaderExtension#next()}.
     */
    public boolean extensions(RtpHeaderExtension cursor) {
        if (!hasRfc8285Extensions()) {
            cursor.reset(buf, false, 0, 0);
            return false;
        }
        cursor.reset(buf, extensionProfile != ONE_BYTE_PROFILE, extensionStart, extensionEnd);
        return true;
    }

    /** Moves {@code cursor} to the element with {@code id}; false when the packet has none. */
    public boolean findExtension(int id, RtpHeaderExtension cursor) {
        if (id <= 0 || !extensions(cursor)) {
            return false;
        }
        while (cursor.next()) {
            if (cursor.id() == id) {
                return true;
            }
        }
        return false;
    }

    public void setMarker(boolean marker) {
        int b1 = buf.getUnsignedByte(start + 1);
        buf.setByte(start + 1, marker ? (b1 | 0x80) : (b1 & 0x7F));
    }

    public void setPayloadType(int payloadType) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType);
        }
        int b1 = buf.getUnsignedByte(start + 1);
        buf.setByte(start + 1, (b1 & 0x80) | payloadType);
    }

    public void setSequenceNumber(int sequenceNumber) {
        buf.setShort(start + 2, sequenceNumber);
    }

    public void setTimestamp(long timestamp) {
        buf.setInt(start + 4, (int) timestamp);
    }

    public void setSsrc(long ssrc) {
        buf.setInt(start + 8, (int) ssrc);
    }
}
