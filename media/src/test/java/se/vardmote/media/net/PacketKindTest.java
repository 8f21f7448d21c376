package se.vardmote.media.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PacketKindTest {

    @Test
    void classifiesByFirstByteAsRfc7983Says() {
        assertEquals(PacketKind.STUN, PacketKind.of(0x00, 0x01, 20));
        assertEquals(PacketKind.DTLS, PacketKind.of(22, 0xFE, 100));
        assertEquals(PacketKind.RTP, PacketKind.of(0x80, 111, 100));
        assertEquals(PacketKind.RTP, PacketKind.of(0x80, 0x80 | 96, 100)); // marker bit set
        assertEquals(PacketKind.RTCP, PacketKind.of(0x80, 200, 28));       // SR: PT 200 & 0x7F = 72
        assertEquals(PacketKind.RTCP, PacketKind.of(0x81, 205, 12));       // RTPFB
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(64, 0, 100));       // 64..79 is TURN channel data
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(0xFF, 0, 100));
    }

    @Test
    void refusesPacketsTooShortForTheirKind() {
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(0x00, 0x01, 19));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(22, 0xFE, 12));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(0x80, 111, 11));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(Unpooled.EMPTY_BUFFER));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80})));
    }
}
