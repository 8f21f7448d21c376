package se.vardmote.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight view over the VP8 payload descriptor at the start of a VP8 RTP payload (RFC 7741 §4.2): where
 * the picture id and TL0PICIDX sit, and whether the packet begins a keyframe (§4.3, the P bit of the VP8
 * payload header in the first packet of a partition 0). A simulcast subscriber switches layers at such a
 * packet, and the picture id and TL0PICIDX are rewritten so that its decoder sees one continuous stream.
 *
 * <p>{@link #wrap} checks every field against the payload's length, so no accessor reads outside it; it never
 * throws for malformed input. Allocates nothing; not thread-safe (one instance per event loop).
 */
public final class Vp8Descriptor {

    /** No picture id in the descriptor. */
    public static final int NO_PICTURE_ID = -1;

    /** Offsets from the payload's start; -1 when absent. */
    private int pictureIdOffset;
    private boolean longPictureId;
    private int tl0Offset;
    private boolean keyframeStart;
    private int pictureId;
    private int tl0PicIdx;
    private int keyframeWidth;
    private int keyframeHeight;

    /**
     * Reads the descriptor of the VP8 payload of {@code length} bytes at absolute index {@code offset} in
     * {@code buf}. Returns false when the payload is too short for the descriptor it announces.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        pictureIdOffset = -1;
        tl0Offset = -1;
        keyframeStart = false;
        pictureId = NO_PICTURE_ID;
        tl0PicIdx = -1;
        keyframeWidth = 0;
        keyframeHeight = 0;
        if (length < 1) {
            return false;
        }
        int b0 = buf.getUnsignedByte(offset);
        int at = 1;
        if ((b0 & 0x80) != 0) { // X: extension octet
            if (length < 2) {
                return false;
            }
            int x = buf.getUnsignedByte(offset + 1);
            at = 2;
            if ((x & 0x80) != 0) { // I: picture id, 7 or 15 bits (M)
                if (at >= length) {
                    return false;
                }
                int p = buf.getUnsignedByte(offset + at);
                pictureIdOffset = at;
                if ((p & 0x80) != 0) {
                    if (at + 1 >= length) {
                        return false;
                    }
                    longPictureId = true;
                    pictureId = ((p & 0x7F) << 8) | buf.getUnsignedByte(offset + at + 1);
                    at += 2;
                } else {
                    longPictureId = false;
                    pictureId = p;
                    at += 1;
                }
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                if (at >= length) {
                    return false;
                }
                tl0Offset = at;
                tl0PicIdx = buf.getUnsignedByte(offset + at);
                at += 1;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                at += 1;
            }
        }
        if (at > length) {
            return false;
        }
        boolean start = (b0 & 0x10) != 0 && (b0 & 0x07) == 0;
        // RFC 7741 §4.3: P (bit 0 of the first octet of the VP8 payload header) is 0 for a keyframe.
        keyframeStart = start && at < length && (buf.getUnsignedByte(offset + at) & 0x01) == 0;
        // RFC 6386 §9.1: a keyframe's 3-octet frame tag is followed by the start code 9d 01 2a and the
        // picture's width and height, 14 bits each (little-endian, the top 2 bits a scale).
        int frame = offset + at;
        if (keyframeStart && at + 10 <= length && buf.getUnsignedByte(frame + 3) == 0x9d
                && buf.getUnsignedByte(frame + 4) == 0x01 && buf.getUnsignedByte(frame + 5) == 0x2a) {
            keyframeWidth = buf.getUnsignedShortLE(frame + 6) & 0x3FFF;
            keyframeHeight = buf.getUnsignedShortLE(frame + 8) & 0x3FFF;
        }
        return true;
    }

    /** The picture's width in pixels when this packet starts a keyframe that says it; 0 otherwise. */
    public int keyframeWidth() {
        return keyframeWidth;
    }

    /** As {@link #keyframeWidth()}, the height. */
    public int keyframeHeight() {
        return keyframeHeight;
    }

    /** True when this packet carries the first octets of a keyframe. */
    public boolean keyframeStart() {
        return keyframeStart;
    }

    /** The picture id (7 or 15 bits), or {@link #NO_PICTURE_ID}. */
    public int pictureId() {
        return pictureId;
    }

    /** The mask of the picture id's field: 0x7FFF for the 15-bit form, 0x7F for the 7-bit one. */
    public int pictureIdMask() {
        return longPictureId ? 0x7FFF : 0x7F;
    }

    /** TL0PICIDX, or -1 when absent. */
    public int tl0PicIdx() {
        return tl0PicIdx;
    }

    /**
     * Writes {@code id} into the picture id field of a copy of the wrapped payload that starts at absolute
     * index {@code payloadStart} of {@code buf}.
     */
    public void writePictureId(ByteBuf buf, int payloadStart, int id) {
        if (pictureIdOffset < 0) {
            return;
        }
        if (longPictureId) {
            buf.setShort(payloadStart + pictureIdOffset, 0x8000 | (id & 0x7FFF));
        } else {
            buf.setByte(payloadStart + pictureIdOffset, id & 0x7F);
        }
    }

    /** As {@link #writePictureId}, for TL0PICIDX. */
    public void writeTl0PicIdx(ByteBuf buf, int payloadStart, int index) {
        if (tl0Offset >= 0) {
            buf.setByte(payloadStart + tl0Offset, index & 0xFF);
        }
    }
}
