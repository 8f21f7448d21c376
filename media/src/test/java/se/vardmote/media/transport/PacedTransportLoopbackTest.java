package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;
import se.vardmote.media.srtp.SrtpProfile;

/** A transport whose receiver has sent a downlink estimate paces its video and lets its audio pass. */
class PacedTransportLoopbackTest {

    private MediaEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = MediaEngine.start(MediaConfig.loopbackForTests());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static byte[] rtp(int payloadType, int seq, int ssrc, int payloadBytes) {
        byte[] p = new byte[12 + payloadBytes];
        p[0] = (byte) 0x80;
        p[1] = (byte) payloadType;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        return p;
    }

    private static void send(WebRtcTransport transport, byte[] plain, boolean video) {
        ByteBuf packet = transport.allocatePacket(plain.length);
        packet.writeBytes(plain);
        if (video) transport.sendDroppableRtp(packet);
        else transport.sendRtp(packet);
    }

    @Test
    void aKeyframeBurstIsSpreadWhileTheAudioAfterItOvertakesIt() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = engine.workers().get(0).createTransport(receiver);
        try (LoopbackPeer peer = new LoopbackPeer(engine.ports().get(0))) {
            transport.setRemoteParameters(peer.ufrag, "peerpasswordpeerpassword", "sha-256", peer.certificate.fingerprint());
            peer.check(transport.localUfrag(), transport.localPassword(), true);
            peer.connectDtls(transport.localFingerprint(), SrtpProfile.values()[0]);
            assertSame(transport, receiver.connected.get(5, TimeUnit.SECONDS));

            transport.setDownlinkEstimate(400_000); // paced at 1 Mbit/s: the 30 kB below take about 240 ms
            transport.eventLoop().submit(() -> {
                for (int seq = 1; seq <= 30; seq++) send(transport, rtp(96, seq, 0x0000_1111, 1000), true);
                send(transport, rtp(111, 500, 0x0000_2222, 100), false);
            }).get(5, TimeUnit.SECONDS);

            List<Integer> arrived = new ArrayList<>();
            for (int i = 0; i < 31; i++) {
                byte[] packet = peer.receiveRtp();
                assertNotNull(packet, "packet " + i + " of 31 arrived");
                arrived.add(((packet[2] & 0xff) << 8) | (packet[3] & 0xff));
            }
            int audioAt = arrived.indexOf(500);
            assertTrue(audioAt >= 0 && audioAt <= 4, "the audio left before the video that waited: " + arrived);
            List<Integer> video = new ArrayList<>(arrived);
            video.remove(Integer.valueOf(500));
            for (int i = 0; i < 30; i++) assertEquals(i + 1, video.get(i), "video keeps its order: " + arrived);
            assertTrue(engine.counters().get("media.out.paced") >= 25, "most of the burst waited: " + engine.counters());
        }
        transport.close();
        assertEquals("closed", receiver.closed.get(5, TimeUnit.SECONDS));
    }
}
