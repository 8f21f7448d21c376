package se.vardmote.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A cursor over the header-extension elements of one {@link RtpPacket} (RFC 8285 §4.2 one-byte form,
 * §4.3 two-byte form). Reusable: {@link RtpPacket#extensions(RtpHeaderExtension)} resets it; {@link #next()}
 * moves to the next element. Allocates nothing. Not thread-safe: owned by whoever owns the packet view
 * (the room's event loop on the forwarding path).
 *
 * <p>Malformed element lists end the iteration early ({@link #malformed()} then says so); the cursor never
 * reads outside the extension block the packet view validated.
 */
public final class RtpHeaderExtension {

    private ByteBuf buf;
    private boolean twoByte;
    private int position;
    private int end;
    private int id;
    private int dataOffset;
    private int dataLength;
    private boolean malformed;

    void reset(ByteBuf buf, boolean twoByte, int start, int end) {
        this.buf = buf;
        this.twoByte = twoByte;
        this.position = start;
        this.end = end;
        this.id = 0;
        this.dataOffset = 0;
        this.dataLength = 0;
        this.malformed = false;
    }

    /** Moves to the next element; false at the end of the block (or when the rest is malformed). */
    public boolean next() {
        while (position < end) {
            int b = buf.getUnsignedByte(position);
            if (b == 0) {
                // RFC 8285 §4.2/§4.3: a zero byte is padding between elements.
                position++;
                continue;
            }
            if (!twoByte) {
                int elementId = b >>> 4;
                if (elementId == 15) {
                    // RFC 8285 §4.2: id 15 is reserved; "the parser MUST stop parsing".
                    position = end;
                    return false;
                }
                int length = (b & 0x0F) + 1;
                if (position + 1 + length > end) {
                    return stopMalformed();
                }
                id = elementId;
                dataOffset = position + 1;
                dataLength = length;
                position = dataOffset + length;
                return true;
            }
            if (position + 2 > end) {
                return stopMalformed();
            }
            int length = buf.getUnsignedByte(position + 1);
            if (position + 2 + length > end) {
                return stopMalformed();
            }
            id = b;
            dataOffset = position + 2;
            dataLength = length;
            position = dataOffset + length;
            return true;
        }
        return false;
    }

    private boolean stopMalformed() {
        malformed = true;
        position = end;
        return false;
    }

    /** Element id (1..14 in the one-byte form, 1..255 in the two-byte form). */
    public int id() {
        return id;
    }

    /** Absolute index of the element's data in the packet's buffer. */
    public int dataOffset() {
        return dataOffset;
    }

    /** Length of the element's data in bytes (1..16 one-byte form, 0..255 two-byte form). */
    public int dataLength() {
        return dataLength;
    }

    /** True when the iteration stopped at an element that did not fit in the block. */
    public boolean malformed() {
        return malformed;
    }

    /** True when the block uses the two-byte form (profile 0x100X). */
    public boolean twoByteForm() {
        return twoByte;
    }
}
