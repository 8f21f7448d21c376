package se.vardmote.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class RedPayloadTest {

    /** RED as Chromium sends Opus (RFC 2198 §3): one redundant block of 3 bytes 960 samples back, primary of 4. */
    static byte[] chromiumRed(int opusPt) {
        return new byte[] {
                (byte) (0x80 | opusPt), (byte) (960 >> 6), (byte) (((960 & 0x3F) << 2)), 3, // F=1, offset 960, length 3
                (byte) opusPt, // F=0: the primary
                11, 12, 13, // redundant: the previous frame
                21, 22, 23, 24}; // primary: this frame
    }

    @Test
    void findsThePrimaryBlockAfterTheRedundantOnes() {
        RedPayload red = new RedPayload();
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {9, 9}, chromiumRed(111));
        assertTrue(red.wrap(buf, 2, 12));
        assertEquals(1, red.redundantBlocks());
        assertEquals(111, red.primaryPayloadType());
        assertEquals(2 + 5 + 3, red.primaryOffset());
        assertEquals(4, red.primaryLength());
        assertEquals(21, buf.getByte(red.primaryOffset()));
        assertEquals(5, red.headersLength());
    }

    @Test
    void readsAPacketWithoutRedundancy() {
        RedPayload red = new RedPayload();
        assertTrue(red.wrap(Unpooled.wrappedBuffer(new byte[] {111, 1, 2}), 0, 3));
        assertEquals(0, red.redundantBlocks());
        assertEquals(1, red.primaryOffset());
        assertEquals(2, red.primaryLength());
    }

    @Test
    void refusesHeadersOrBlocksLongerThanThePayloadAnEmptyPrimaryAndTooManyBlocks() {
        RedPayload red = new RedPayload();
        assertFalse(red.wrap(Unpooled.wrappedBuffer(new byte[0]), 0, 0), "no header");
        assertFalse(red.wrap(Unpooled.wrappedBuffer(new byte[] {(byte) 0xEF, 0, 0}), 0, 3), "a cut 4-byte header");
        byte[] longBlock = chromiumRed(111);
        longBlock[3] = 20; // the redundant block claims more than there is
        assertFalse(red.wrap(Unpooled.wrappedBuffer(longBlock), 0, longBlock.length));
        assertFalse(red.wrap(Unpooled.wrappedBuffer(new byte[] {111}), 0, 1), "an empty primary");
        byte[] many = new byte[4 * (RedPayload.MAX_BLOCKS + 1) + 2];
        for (int i = 0; i <= RedPayload.MAX_BLOCKS; i++) many[4 * i] = (byte) 0xEF;
        many[many.length - 2] = 111;
        assertFalse(red.wrap(Unpooled.wrappedBuffer(many), 0, many.length), "more blocks than audio redundancy needs");
    }

    @Test
    void renamesEveryBlockToTheSubscribersPayloadType() {
        RedPayload red = new RedPayload();
        byte[] payload = chromiumRed(109);
        assertTrue(red.wrap(Unpooled.wrappedBuffer(payload), 0, payload.length));
        ByteBuf copy = Unpooled.buffer().writeZero(3).writeBytes(payload);
        red.writeBlockPayloadTypes(copy, 3, 111);
        assertEquals(0x80 | 111, copy.getUnsignedByte(3));
        assertEquals(111, copy.getUnsignedByte(3 + 4));
        assertEquals(3, copy.getByte(3 + 3), "the block length is kept");
    }
}
