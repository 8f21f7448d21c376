package se.vardmote.media.phone;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight view over the payload of one RFC 4733 telephone-event RTP packet (§2.3):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |     event     |E|R| volume    |          duration             |
 * </pre>
 * Only the first event block is read: one key press per packet is what gateways send (§2.5.1.5 lets a
 * packet carry several blocks for the same event's segments; those repeat the first block's event).
 * Borrows the buffer; allocates nothing. Not thread-safe: owned by the phone leg's event loop.
 */
public final class TelephoneEvent {

    /** RFC 4733 §2.3: the fixed payload of one event block. */
    public static final int BLOCK_LENGTH = 4;
    /** Longest payload accepted: a few blocks. Anything longer is not a telephone-event a gateway sends. */
    public static final int MAX_PAYLOAD_LENGTH = 64;
    /** RFC 4733 §3.2: events 0–15 are the DTMF keys 0–9, *, #, A–D. */
    private static final char[] KEYS = "0123456789*#ABCD".toCharArray();

    private ByteBuf buf;
    private int offset;

    /** Views {@code length} bytes at absolute {@code offset}; false (view unusable) when malformed. Never throws. */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (buf == null || offset < 0 || length < BLOCK_LENGTH || length > MAX_PAYLOAD_LENGTH
                || offset > buf.writerIndex() - length) {
            return false;
        }
        this.buf = buf;
        this.offset = offset;
        return true;
    }

    /** The event code, 0..255. */
    public int event() {
        return buf.getUnsignedByte(offset);
    }

    /** The E bit: this packet ends the event (§2.5.1.4: sent three times). */
    public boolean end() {
        return (buf.getByte(offset + 1) & 0x80) != 0;
    }

    /** Power level in −dBm0, 0..63. */
    public int volume() {
        return buf.getByte(offset + 1) & 0x3F;
    }

    /** Duration so far in RTP clock units (8 kHz or 48 kHz, whatever the PT was negotiated at). */
    public int duration() {
        return buf.getUnsignedShort(offset + 2);
    }

    /** The DTMF key for {@link #event()}, or 0 when the event is not a key (flash, tones ...). */
    public char key() {
        return keyOf(event());
    }

    /** The DTMF key for an RFC 4733 event code, or 0 when it is not one of the 16 keys. */
    public static char keyOf(int event) {
        return event >= 0 && event < KEYS.length ? KEYS[event] : 0;
    }
}
