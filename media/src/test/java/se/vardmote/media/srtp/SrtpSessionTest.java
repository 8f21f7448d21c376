package se.vardmote.media.srtp;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.security.SecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpSessionTest {

    private static SrtpKeyMaterial randomKeys(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        new SecureRandom().nextBytes(material);
        return SrtpKeyMaterial.fromExporter(profile, material);
    }

    private static ByteBuf rtp(int seq, int ssrc, int payloadLength) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(12 + payloadLength + 32);
        b.writeByte(0x80).writeByte(111).writeShort(seq).writeInt(seq * 960).writeInt(ssrc);
        for (int i = 0; i < payloadLength; i++) b.writeByte(i * 7 + seq);
        return b;
    }

    private static ByteBuf rtcpSenderReport(int ssrc) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
        b.writeByte(0x80).writeByte(200).writeShort(6).writeInt(ssrc);
        b.writeLong(0x0102030405060708L).writeInt(1234).writeInt(5).writeInt(800);
        return b;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void settlingCiphersAtStartUpLeavesSessionsWorking(SrtpProfile profile) {
        assertEquals("OpenSSL", SrtpSession.settleCiphers(), "jitsi-srtp's OpenSSL natives load on this machine");
        protectsAndUnprotectsRtpInPlace(profile); // sessions made after it work as before
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectsAndUnprotectsRtpInPlace(SrtpProfile profile) {
        SrtpKeyMaterial keys = randomKeys(profile);
        try (SrtpSession server = new SrtpSession(keys, true); SrtpSession client = new SrtpSession(keys, false)) {
            for (int seq = 1; seq <= 5; seq++) {
                ByteBuf packet = rtp(seq, 0x11223344, 160);
                byte[] plain = ByteBufUtil.getBytes(packet);
                assertTrue(client.protectRtp(packet));
                assertEquals(plain.length + profile.tagLength, packet.readableBytes());
                assertNotEquals(ByteBufUtil.hexDump(plain), ByteBufUtil.hexDump(packet));
                assertTrue(server.unprotectRtp(packet));
                assertArrayEquals(plain, ByteBufUtil.getBytes(packet));
                packet.release();
            }
            // and the other direction
            ByteBuf back = rtp(9, 0x55667788, 100);
            byte[] plain = ByteBufUtil.getBytes(back);
            assertTrue(server.protectRtp(back));
            assertTrue(client.unprotectRtp(back));
            assertArrayEquals(plain, ByteBufUtil.getBytes(back));
            back.release();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectsAndUnprotectsRtcp(SrtpProfile profile) {
        SrtpKeyMaterial keys = randomKeys(profile);
        try (SrtpSession server = new SrtpSession(keys, true); SrtpSession client = new SrtpSession(keys, false)) {
            ByteBuf packet = rtcpSenderReport(0xCAFEBABE);
            byte[] plain = ByteBufUtil.getBytes(packet);
            assertTrue(client.protectRtcp(packet));
            assertEquals(plain.length + 4 + profile.tagLength, packet.readableBytes());
            assertTrue(server.unprotectRtcp(packet));
            assertArrayEquals(plain, ByteBufUtil.getBytes(packet));
            packet.release();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rejectsTamperedPackets(SrtpProfile profile) {
        SrtpKeyMaterial keys = randomKeys(profile);
        try (SrtpSession server = new SrtpSession(keys, true); SrtpSession client = new SrtpSession(keys, false)) {
            ByteBuf packet = rtp(1, 0x01020304, 50);
            assertTrue(client.protectRtp(packet));
            ByteBuf copy = PooledByteBufAllocator.DEFAULT.heapBuffer(128).writeBytes(packet, packet.readerIndex(), packet.readableBytes());
            packet.setByte(packet.readerIndex() + 20, packet.getByte(packet.readerIndex() + 20) ^ 0x01);
            assertFalse(server.unprotectRtp(packet), "tampered payload");
            assertTrue(server.unprotectRtp(copy), "the genuine packet still passes");
            packet.release();
            copy.release();

            ByteBuf rtcp = rtcpSenderReport(7);
            assertTrue(client.protectRtcp(rtcp));
            rtcp.setByte(rtcp.readerIndex() + 10, rtcp.getByte(rtcp.readerIndex() + 10) ^ 0x40);
            assertFalse(server.unprotectRtcp(rtcp));
            rtcp.release();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetFromAnotherKeyIsRejected(SrtpProfile profile) {
        try (SrtpSession server = new SrtpSession(randomKeys(profile), true);
             SrtpSession stranger = new SrtpSession(randomKeys(profile), false)) {
            ByteBuf packet = rtp(3, 0x99, 80);
            assertTrue(stranger.protectRtp(packet));
            assertFalse(server.unprotectRtp(packet));
            packet.release();
        }
    }
}
