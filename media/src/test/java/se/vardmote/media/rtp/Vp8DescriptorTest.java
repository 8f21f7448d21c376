package se.vardmote.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class Vp8DescriptorTest {

    private final Vp8Descriptor d = new Vp8Descriptor();

    private boolean wrap(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return d.wrap(Unpooled.wrappedBuffer(b), 0, b.length);
    }

    @Test
    void readsChromiumsDescriptorWithLongPictureIdTl0AndTid() {
        // X S, I L T, M + picture id 0x1234, TL0PICIDX 7, TID; payload header with P = 0 (keyframe).
        assertTrue(wrap(0x90, 0xE0, 0x92, 0x34, 0x07, 0x20, 0x10, 0x02, 0x9d));
        assertEquals(0x1234, d.pictureId());
        assertEquals(0x7FFF, d.pictureIdMask());
        assertEquals(7, d.tl0PicIdx());
        assertTrue(d.keyframeStart());
    }

    @Test
    void readsAKeyframesPictureSizeFromItsFrameHeader() {
        // Descriptor X S, I + 15-bit picture id; frame tag (P = 0), start code, width 640 and height 360 with scale bits set.
        assertTrue(wrap(0x90, 0x80, 0x92, 0x34, 0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x42, 0x68, 0x41));
        assertTrue(d.keyframeStart());
        assertEquals(640, d.keyframeWidth());
        assertEquals(360, d.keyframeHeight());

        assertTrue(wrap(0x90, 0x80, 0x92, 0x34, 0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02), "cut short");
        assertEquals(0, d.keyframeWidth(), "no size from a header cut short");
        assertTrue(wrap(0x90, 0x80, 0x92, 0x34, 0x50, 0x2a, 0x01, 0x00, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01));
        assertEquals(0, d.keyframeWidth(), "no size without the start code");
        assertTrue(wrap(0x90, 0x80, 0x92, 0x34, 0x51, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01));
        assertEquals(0, d.keyframeWidth(), "no size from an interframe");
    }

    @Test
    void aDeltaFrameOrAContinuationIsNoKeyframeStart() {
        assertTrue(wrap(0x90, 0x80, 0x81, 0x00, 0x11));
        assertFalse(d.keyframeStart(), "P = 1: an interframe");
        assertTrue(wrap(0x80, 0x80, 0x81, 0x00, 0x10));
        assertFalse(d.keyframeStart(), "S = 0: not the start of a partition");
        assertTrue(wrap(0x91, 0x80, 0x81, 0x00, 0x10));
        assertFalse(d.keyframeStart(), "partition 1");
    }

    @Test
    void readsShortPictureIdAndNoExtension() {
        assertTrue(wrap(0x90, 0x80, 0x05, 0x10));
        assertEquals(5, d.pictureId());
        assertEquals(0x7F, d.pictureIdMask());
        assertEquals(-1, d.tl0PicIdx());
        assertTrue(wrap(0x10, 0x10));
        assertEquals(Vp8Descriptor.NO_PICTURE_ID, d.pictureId());
        assertTrue(d.keyframeStart());
    }

    @Test
    void refusesADescriptorLongerThanThePayload() {
        assertFalse(wrap());
        assertFalse(wrap(0x90));
        assertFalse(wrap(0x90, 0x80));
        assertFalse(wrap(0x90, 0x80, 0x81));
        assertFalse(wrap(0x90, 0x40));
    }

    @Test
    void writesPictureIdAndTl0IntoACopyAtTheSamePlace() {
        assertTrue(wrap(0x90, 0xC0, 0x92, 0x34, 0x07, 0x10));
        ByteBuf copy = Unpooled.buffer();
        copy.writeZero(3);
        copy.writeBytes(new byte[] {(byte) 0x90, (byte) 0xC0, (byte) 0x92, 0x34, 0x07, 0x10});
        d.writePictureId(copy, 3, 0x0101);
        d.writeTl0PicIdx(copy, 3, 200);
        assertEquals(0x8101, copy.getUnsignedShort(5));
        assertEquals(200, copy.getUnsignedByte(7));
        assertEquals(0x10, copy.getUnsignedByte(8));
    }
}
