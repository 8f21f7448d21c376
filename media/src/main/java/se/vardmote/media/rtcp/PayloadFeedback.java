package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View and writer of payload-specific feedback (RFC 4585 §6.3, PT 206 PSFB): picture loss indication
 * (FMT 1, RFC 4585 §6.3.1), full intra request (FMT 4, RFC 5104 §4.3.1) and receiver estimated maximum
 * bitrate (FMT 15 with the "REMB" identifier, draft-alvestrand-rmcat-remb §2.2).
 * Allocation-free and reusable; borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class PayloadFeedback extends FeedbackPacket {

    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    /** Application layer feedback; REMB when the FCI starts with "REMB". */
    public static final int FMT_AFB = 15;
    public static final int PLI_LENGTH = 12;
    /** One FIR entry: SSRC (4), sequence number (1), reserved (3). */
    public static final int FIR_ENTRY_LENGTH = 8;
    public static final int FIR_LENGTH = MIN_LENGTH + FIR_ENTRY_LENGTH;
    /** ASCII "REMB". */
    private static final int REMB_IDENTIFIER = 0x52454D42;

    public PayloadFeedback() {
        super(RtcpCompound.PSFB);
    }

    public boolean isPli() {
        return fmt() == FMT_PLI;
    }

    public boolean isFir() {
        return fmt() == FMT_FIR;
    }

    /** Number of FIR entries (0 unless {@link #isFir()}). */
    public int firCount() {
        return isFir() ? fciLength() / FIR_ENTRY_LENGTH : 0;
    }

    public long firSsrc(int i) {
        return buf.getUnsignedInt(firEntry(i));
    }

    public int firSsrcInt(int i) {
        return buf.getInt(firEntry(i));
    }

    public int firSequenceNumber(int i) {
        return buf.getUnsignedByte(firEntry(i) + 4);
    }

    private int firEntry(int i) {
        if (i < 0 || i >= firCount()) {
            throw new IllegalArgumentException("fir entry " + i + " of " + firCount());
        }
        return offset + MIN_LENGTH + FIR_ENTRY_LENGTH * i;
    }

    /** True for FMT 15 whose FCI holds "REMB", a bitrate and as many SSRCs as it announces. */
    public boolean isRemb() {
        if (fmt() != FMT_AFB || fciLength() < 8 || buf.getInt(offset + MIN_LENGTH) != REMB_IDENTIFIER) {
            return false;
        }
        return 8 + 4 * buf.getUnsignedByte(offset + MIN_LENGTH + 4) <= fciLength();
    }

    /** REMB bitrate in bits per second: 18-bit mantissa shifted left by a 6-bit exponent. */
    public long rembBitrate() {
        int v = buf.getInt(offset + MIN_LENGTH + 4);
        int exponent = (v >>> 18) & 0x3F;
        long mantissa = v & 0x3FFFF;
        return exponent > 46 ? Long.MAX_VALUE : mantissa << exponent;
    }

    public int rembSsrcCount() {
        return buf.getUnsignedByte(offset + MIN_LENGTH + 4);
    }

    public long rembSsrc(int i) {
        if (i < 0 || i >= rembSsrcCount()) {
            throw new IllegalArgumentException("remb ssrc " + i + " of " + rembSsrcCount());
        }
        return buf.getUnsignedInt(offset + MIN_LENGTH + 8 + 4 * i);
    }

    /** The length of a REMB naming {@code ssrcs} SSRCs. */
    public static int rembLength(int ssrcs) {
        return MIN_LENGTH + 8 + 4 * ssrcs;
    }

    /** REMB's SSRC count has 8 bits. */
    public static final int MAX_REMB_SSRCS = 255;

    /**
     * Writes a REMB (draft-alvestrand-rmcat-remb §2.2): the most {@code bitrate} bits per second the sender of
     * {@code ssrcs[0..count)} should send, as an 18-bit mantissa and a 6-bit exponent (rounded down).
     * Borrows {@code out}.
     */
    public static void writeRemb(ByteBuf out, long senderSsrc, long bitrate, int[] ssrcs, int count) {
        if (count < 0 || count > MAX_REMB_SSRCS || count > ssrcs.length) {
            throw new IllegalArgumentException("remb with " + count + " ssrcs");
        }
        long mantissa = Math.max(0, bitrate);
        int exponent = 0;
        while (mantissa > 0x3FFFF) {
            mantissa >>>= 1;
            exponent++;
        }
        out.writeByte(0x80 | FMT_AFB);
        out.writeByte(RtcpCompound.PSFB);
        out.writeShort(rembLength(count) / 4 - 1);
        out.writeInt((int) senderSsrc);
        out.writeInt(0); // RFC 4585 §6.4: the media source is unused for application-layer feedback
        out.writeInt(REMB_IDENTIFIER);
        out.writeInt((count << 24) | (exponent << 18) | (int) mantissa);
        for (int i = 0; i < count; i++) out.writeInt(ssrcs[i]);
    }

    /** Writes a 12-byte PLI (RFC 4585 §6.3.1) at the writer index of {@code out}. Borrows {@code out}. */
    public static void writePli(ByteBuf out, long senderSsrc, long mediaSsrc) {
        out.writeByte(0x80 | FMT_PLI);
        out.writeByte(RtcpCompound.PSFB);
        out.writeShort(PLI_LENGTH / 4 - 1);
        out.writeInt((int) senderSsrc);
        out.writeInt((int) mediaSsrc);
    }

    /**
     * Writes a 20-byte FIR (RFC 5104 §4.3.1) asking {@code mediaSsrc} for a decoder refresh.
     * {@code sequenceNumber} is the sender's per-media-SSRC command number (RFC 5104 §4.3.1.2: incremented
     * by one for each new request, 8 bits). Borrows {@code out}.
     */
    public static void writeFir(ByteBuf out, long senderSsrc, long mediaSsrc, int sequenceNumber) {
        out.writeByte(0x80 | FMT_FIR);
        out.writeByte(RtcpCompound.PSFB);
        out.writeShort(FIR_LENGTH / 4 - 1);
        out.writeInt((int) senderSsrc);
        out.writeInt(0);
        out.writeInt((int) mediaSsrc);
        out.writeByte(sequenceNumber);
        out.writeMedium(0);
    }
}
