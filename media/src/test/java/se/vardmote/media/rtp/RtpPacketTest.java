package se.vardmote.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    /**
     * A Chromium 156 VP8 packet as it leaves the SRTP layer: one-byte extensions abs-send-time (id 2, 3 bytes),
     * transport-cc (id 3, 2 bytes) and mid (id 4, "1"), as negotiated in the captured offer's video section.
     */
    static final byte[] CHROMIUM_VP8 = ByteBufUtil.decodeHexDump(
            "9060" + "1a2b" + "5e0f3c21" + "1b7c2b46"   // V=2 X=1, PT 96, seq 6699, ts, ssrc 461122374
            + "bede0003"                                  // one-byte profile, 3 words
            + "22" + "4d1f0a"                             // id 2 len 3 abs-send-time
            + "31" + "0042"                               // id 3 len 2 transport-cc
            + "40" + "31"                                 // id 4 len 1 mid "1"
            + "000000"                                    // padding to the word boundary
            + "9000" + "8076" + "0102030405060708");      // VP8 payload descriptor + data

    private final RtpPacket packet = new RtpPacket();
    private final RtpHeaderExtension cursor = new RtpHeaderExtension();

    @Test
    void readsChromiumVp8PacketWithOneByteExtensions() {
        ByteBuf buf = Unpooled.wrappedBuffer(CHROMIUM_VP8);
        assertTrue(packet.wrap(buf));
        assertEquals(2, packet.version());
        assertFalse(packet.marker());
        assertEquals(96, packet.payloadType());
        assertEquals(0x1a2b, packet.sequenceNumber());
        assertEquals(0x5e0f3c21L, packet.timestamp());
        assertEquals(0x1b7c2b46L, packet.ssrc());
        assertEquals(0, packet.csrcCount());
        assertEquals(RtpPacket.ONE_BYTE_PROFILE, packet.extensionProfile());
        assertEquals(12 + 4 + 12, packet.headerLength());
        assertEquals(12, packet.payloadLength());

        assertTrue(packet.findExtension(4, cursor));
        assertEquals("1", buf.toString(cursor.dataOffset(), cursor.dataLength(), StandardCharsets.US_ASCII));
        assertTrue(packet.findExtension(2, cursor));
        assertEquals(3, cursor.dataLength());
        assertFalse(packet.findExtension(5, cursor));

        assertTrue(packet.extensions(cursor));
        int[] ids = new int[3];
        int n = 0;
        while (cursor.next()) {
            ids[n++] = cursor.id();
        }
        assertArrayEquals(new int[] {2, 3, 4}, ids);
        assertFalse(cursor.malformed());
    }

    @Test
    void readsTwoByteExtensionsIncludingEmptyAndLongElements() {
        ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "9000000100000002000000aa" + "10000003"
                + "1100" + "00" + "1203aabbcc" + "0000" + "ff" + "ee"));
        // elements: id 17 len 0; padding; id 18 len 3; padding x2; then 2 bytes: id 255 has no room for its length
        assertTrue(packet.wrap(buf));
        assertTrue(packet.extensions(cursor));
        assertTrue(cursor.twoByteForm());
        assertTrue(cursor.next());
        assertEquals(17, cursor.id());
        assertEquals(0, cursor.dataLength());
        assertTrue(cursor.next());
        assertEquals(18, cursor.id());
        assertEquals(3, cursor.dataLength());
        assertFalse(cursor.next());
        assertTrue(cursor.malformed());
    }

    @Test
    void rewritesHeaderFieldsInPlace() {
        ByteBuf buf = new RtpPacketFixture().payloadType(96).sequenceNumber(65535).timestamp(0xFFFFFFFFL)
                .ssrc(0xDEADBEEFL).buffer();
        assertTrue(packet.wrap(buf));
        packet.setPayloadType(100);
        packet.setMarker(true);
        packet.setSequenceNumber(7);
        packet.setTimestamp(0x1_0000_0005L);
        packet.setSsrc(42);
        assertTrue(packet.wrap(buf));
        assertEquals(100, packet.payloadType());
        assertTrue(packet.marker());
        assertEquals(7, packet.sequenceNumber());
        assertEquals(5, packet.timestamp());
        assertEquals(42, packet.ssrc());
        packet.setMarker(false);
        assertEquals(100, packet.payloadType());
        assertFalse(packet.marker());
    }

    @Test
    void excludesPaddingAndCsrcsFromPayload() {
        ByteBuf buf = new RtpPacketFixture().csrcs(11, 22).payload(new byte[] {9, 9, 9}).padding(4).buffer();
        assertTrue(packet.wrap(buf));
        assertTrue(packet.hasPadding());
        assertEquals(2, packet.csrcCount());
        assertEquals(22, packet.csrc(1));
        assertEquals(20, packet.headerLength());
        assertEquals(3, packet.payloadLength());
        assertEquals(4, packet.paddingLength());
    }

    @Test
    void rejectsMalformedPackets() {
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(new byte[11])));
        // version 1
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("400000000000000000000000"))));
        // 15 CSRCs announced, none present
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("8f0000000000000000000000"))));
        // extension length past the end
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("900000000000000000000000bede0004"))));
        // padding larger than the packet
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("a0000000000000000000000001ff"))));
        // padding count zero
        assertFalse(packet.wrap(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("a0000000000000000000000000"))));
    }

    @Test
    void viewsPacketAtNonZeroReaderIndex() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(new byte[] {7, 7, 7});
        buf.writeBytes(CHROMIUM_VP8);
        buf.readerIndex(3);
        assertTrue(packet.wrap(buf));
        assertEquals(0x1b7c2b46L, packet.ssrc());
        assertEquals(3 + 28, packet.payloadOffset());
    }

    @FuzzTest(maxDuration = "10s")
    void parsesArbitraryBytesWithoutThrowing(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        RtpPacket view = new RtpPacket();
        RtpHeaderExtension elements = new RtpHeaderExtension();
        if (!view.wrap(buf)) {
            return;
        }
        int sum = view.payloadType() + view.sequenceNumber() + (int) view.timestamp() + (int) view.ssrc();
        for (int i = 0; i < view.csrcCount(); i++) {
            sum += (int) view.csrc(i);
        }
        if (view.payloadOffset() + view.payloadLength() + view.paddingLength() != data.length) {
            throw new IllegalStateException("payload bounds");
        }
        if (view.extensions(elements)) {
            while (elements.next()) {
                if (elements.dataOffset() + elements.dataLength() > view.payloadOffset()) {
                    throw new IllegalStateException("element outside the extension block");
                }
                for (int i = 0; i < elements.dataLength(); i++) {
                    sum += buf.getByte(elements.dataOffset() + i);
                }
            }
        }
        view.findExtension(sum & 0xFF, elements);
    }
}
