package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.*;
import static se.vardmote.media.testkit.Eventually.eventually;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.Cidr;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;
import se.vardmote.media.net.AllowedNetworks;
import se.vardmote.media.router.Router;
import se.vardmote.media.srtp.SrtpProfile;

/** The whole media transport on 127.0.0.1: STUN, DTLS, SRTP both ways, and the drops. */
class MediaWorkerLoopbackTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private MediaEngine engine;
    private MediaWorker worker;

    @BeforeEach
    void start() throws Exception {
        engine = MediaEngine.start(MediaConfig.loopbackForTests());
        worker = engine.workers().get(0);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static byte[] rtpPacket(int seq, int ssrc) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(ssrc);
        for (int i = 0; i < 200; i++) b.writeByte(i ^ seq);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static byte[] rtcpReceiverReport(int ssrc) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(201).writeShort(1).writeInt(ssrc);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void deliversDecryptedRtpFromPeerAndSendsRtpBack() throws Exception {
        for (SrtpProfile profile : SrtpProfile.values()) {
            RecordingReceiver receiver = new RecordingReceiver();
            WebRtcTransport transport = worker.createTransport(receiver);
            try (LoopbackPeer peer = new LoopbackPeer(engine.ports().get(0))) {
                transport.setRemoteParameters(peer.ufrag, "peerpasswordpeerpassword", "sha-256", peer.certificate.fingerprint());
                List<IceCandidate> candidates = transport.localCandidates();
                assertEquals(2, candidates.size(), "UDP, then ICE-TCP");
                assertEquals("127.0.0.1", candidates.get(0).address());
                assertEquals("udp", candidates.get(0).transport());
                assertEquals(engine.ports().get(0), candidates.get(0).port());
                assertEquals(engine.certificateFingerprint(), transport.localFingerprint());

                InetSocketAddress mapped = peer.check(transport.localUfrag(), transport.localPassword(), true);
                assertEquals(peer.localAddress(), mapped);
                peer.connectDtls(transport.localFingerprint(), profile);
                assertSame(transport, receiver.connected.get(5, TimeUnit.SECONDS));
                assertEquals(profile, peer.dtls.keys().profile());

                byte[] plain = rtpPacket(1, 0x1234);
                peer.sendSrtp(plain, false);
                assertArrayEquals(plain, receiver.rtp.poll(5, TimeUnit.SECONDS));
                byte[] report = rtcpReceiverReport(0x1234);
                peer.sendSrtp(report, true);
                assertArrayEquals(report, receiver.rtcp.poll(5, TimeUnit.SECONDS));

                byte[] back = rtpPacket(7, 0x5678);
                transport.eventLoop().submit(() -> {
                    assertTrue(transport.isConnected());
                    ByteBuf packet = transport.allocatePacket(back.length);
                    packet.writeBytes(back);
                    transport.sendRtp(packet);
                }).get(5, TimeUnit.SECONDS);
                assertArrayEquals(back, peer.receiveRtp());
                assertEquals(1, engine.transportCount());
            }
            transport.close();
            assertEquals("closed", receiver.closed.get(5, TimeUnit.SECONDS));
            assertEquals(0, engine.transportCount());
        }
        assertTrue(engine.counters().get("rtp.in.packets") >= 2);
        assertTrue(engine.counters().get("rtp.out.packets") >= 2);
        assertEquals(0L, engine.counters().get("srtp.unprotect.failed"));
        assertTrue(engine.counters().get("media.loop.allocated.bytes") > 0, "the loop's own allocation is measured");
        assertTrue(engine.counters().get("media.loop.cpu.nanos") > 0, "and its CPU time");
    }

    @Test
    void iceTcpCarriesStunDtlsAndSrtpInRfc4571FramesBelowUdpPriority() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = worker.createTransport(receiver);
        IceCandidate udp = transport.localCandidates().get(0);
        IceCandidate tcp = transport.localCandidates().get(1);
        assertEquals("tcp", tcp.transport());
        assertEquals(worker.tcpPort(), tcp.port());
        assertTrue(tcp.priority() < udp.priority(), "UDP wins where it works");
        assertTrue(tcp.toSdpAttribute().endsWith(" typ host tcptype passive"), tcp.toSdpAttribute());
        try (LoopbackPeer peer = LoopbackPeer.overTcp(worker.tcpPort())) {
            transport.setRemoteParameters(peer.ufrag, "peerpasswordpeerpassword", "sha-256", peer.certificate.fingerprint());
            assertEquals(peer.localAddress(), peer.check(transport.localUfrag(), transport.localPassword(), true));
            peer.connectDtls(transport.localFingerprint());
            assertSame(transport, receiver.connected.get(5, TimeUnit.SECONDS));

            byte[] plain = rtpPacket(1, 0x1234);
            peer.sendSrtp(plain, false);
            assertArrayEquals(plain, receiver.rtp.poll(5, TimeUnit.SECONDS));
            byte[] back = rtpPacket(9, 0x5678);
            transport.eventLoop().submit(() -> {
                ByteBuf packet = transport.allocatePacket(back.length);
                packet.writeBytes(back);
                transport.sendDroppableRtp(packet);
            }).get(5, TimeUnit.SECONDS);
            assertArrayEquals(back, peer.receiveRtp());
            assertEquals(1, worker.tcpLinkCount());
        }
        transport.close();
        receiver.closed.get(5, TimeUnit.SECONDS);
        Map<String, Long> counters = engine.counters();
        assertEquals(1L, counters.get("tcp.connections.accepted"));
        assertTrue(counters.get("tcp.in.frames") >= 4, counters.toString());
        assertEquals(0L, counters.get("srtp.unprotect.failed"));
    }

    @Test
    void anIceTcpConnectionServesOnlyTheTransportItFirstCheckedFor() throws Exception {
        WebRtcTransport mine = worker.createTransport(new RecordingReceiver());
        WebRtcTransport other = worker.createTransport(new RecordingReceiver());
        try (LoopbackPeer peer = LoopbackPeer.overTcp(worker.tcpPort())) {
            assertNotNull(peer.check(mine.localUfrag(), mine.localPassword(), true));
            peer.setTimeout(300);
            assertNull(peer.check(other.localUfrag(), other.localPassword(), true));
        }
        assertEquals(1L, engine.counters().get("stun.dropped.other_transport"));
        mine.close();
        other.close();
    }

    @Test
    void iceTcpClosesConnectionsWithOversizedFramesAndFromOutsideTheAllowedNetworks() throws Exception {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), worker.tcpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3});
            assertEquals(-1, s.getInputStream().read(), "the server closes the connection");
        }
        eventually("the bad frame counted", WAIT, () -> engine.counters().get("tcp.connections.closed.bad_frame") == 1L);
        // The connection leaves the table in channelInactive, a loop task after the close that counted it.
        eventually("the connection gone", WAIT, () -> worker.tcpLinkCount() == 0);

        engine.close();
        MediaConfig base = MediaConfig.loopbackForTests();
        engine = MediaEngine.start(new MediaConfig(base.bindAddress(), 0, 1, base.advertisedAddresses(),
                List.of(Cidr.parse("10.0.0.0/8")), base.consentTimeout(), base.dtlsHandshakeTimeout(), true, 0));
        int tcpPort = engine.workers().get(0).tcpPort();
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            s.setSoTimeout(5000);
            assertEquals(-1, s.getInputStream().read(), "a source outside the allowed networks is hung up on");
        }
        eventually("the outside source refused", WAIT,
                () -> engine.counters().get("tcp.connections.refused.not_allowed_network") == 1L);
    }

    @Test
    void iceTcpCanBeTurnedOff() throws Exception {
        engine.close();
        MediaConfig base = MediaConfig.loopbackForTests();
        engine = MediaEngine.start(new MediaConfig(base.bindAddress(), 0, 1, base.advertisedAddresses(),
                base.allowedNetworks(), base.consentTimeout(), base.dtlsHandshakeTimeout(), true, MediaConfig.TCP_OFF));
        assertEquals(-1, engine.workers().get(0).tcpPort());
        assertTrue(engine.tcpPorts().isEmpty());
        WebRtcTransport t = engine.workers().get(0).createTransport(new RecordingReceiver());
        assertEquals(List.of("udp"), t.localCandidates().stream().map(IceCandidate::transport).toList());
    }

    @Test
    void ignoresChecksWithWrongPasswordAndCountsThem() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = worker.createTransport(receiver);
        try (LoopbackPeer peer = new LoopbackPeer(engine.ports().get(0))) {
            peer.setTimeout(300);
            assertNull(peer.check(transport.localUfrag(), "not-the-password-at-all!", true));
            assertNull(peer.check("nosuchuf", transport.localPassword(), true));
        }
        assertEquals(1L, engine.counters().get("stun.dropped.bad_integrity"));
        assertEquals(1L, engine.counters().get("stun.dropped.unknown_ufrag"));
        transport.close();
    }

    @Test
    void dropsAndCountsSourcesOutsideAllowedNetworks() throws Exception {
        InetSocketAddress outside = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 9, 8, 7}), 5000);
        InetSocketAddress inside = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
        assertFalse(worker.allows(outside));
        assertTrue(worker.allows(inside));
        assertTrue(worker.allows(new InetSocketAddress(InetAddress.getByName("::1"), 5000)));
        // Feed a datagram as if it had come from outside, without sending anything anywhere.
        worker.eventLoop().submit(() -> {
            DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(rtpPacket(1, 1)), inside, outside);
            try {
                worker.onDatagram(packet);
            } finally {
                packet.release();
            }
        }).get(5, TimeUnit.SECONDS);
        assertEquals(1L, engine.counters().get("media.dropped.not_allowed_network"));
    }

    @Test
    void closesWithFingerprintMismatchWhenPeerCertificateDiffersFromSdp() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = worker.createTransport(receiver);
        try (LoopbackPeer peer = new LoopbackPeer(engine.ports().get(0))) {
            transport.setRemoteParameters(peer.ufrag, "peerpasswordpeerpassword", "sha-256",
                    se.vardmote.media.dtls.DtlsCertificate.generate("other").fingerprint());
            assertNotNull(peer.check(transport.localUfrag(), transport.localPassword(), true));
            assertThrows(Exception.class, () -> peer.connectDtls(transport.localFingerprint()));
            assertEquals("dtls_fingerprint_mismatch", receiver.closed.get(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of("dtls_fingerprint_mismatch"), receiver.closedReasons);
    }

    @Test
    void closesWithConsentExpiredWhenNoValidStunArrives() throws Exception {
        engine.close();
        MediaConfig base = MediaConfig.loopbackForTests();
        engine = MediaEngine.start(new MediaConfig(base.bindAddress(), 0, 1, base.advertisedAddresses(),
                base.allowedNetworks(), Duration.ofMillis(300), base.dtlsHandshakeTimeout()));
        RecordingReceiver receiver = new RecordingReceiver();
        engine.workers().get(0).createTransport(receiver);
        assertEquals("consent_expired", receiver.closed.get(5, TimeUnit.SECONDS));
        assertEquals(0, engine.transportCount());
    }

    @Test
    void closeIsIdempotentAndNotifiesOnce() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = worker.createTransport(receiver);
        transport.close();
        transport.close();
        assertEquals("closed", receiver.closed.get(5, TimeUnit.SECONDS));
        worker.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        transport.close();
        worker.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("closed"), receiver.closedReasons);
        // sending on a closed transport releases the buffer and counts it
        worker.eventLoop().submit(() -> transport.sendRtp(transport.allocatePacket(20).writeZero(20))).get(5, TimeUnit.SECONDS);
        assertEquals(1L, engine.counters().get("media.out.dropped.not_connected"));
    }

    @Test
    void engineReportsPortsAndClosesTransportsOnShutdown() throws Exception {
        assertEquals(1, engine.ports().size());
        assertTrue(engine.ports().get(0) > 0);
        RecordingReceiver receiver = new RecordingReceiver();
        worker.createTransport(receiver);
        engine.close();
        assertEquals("media_engine_closed", receiver.closed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void allowsAnySourceWhenNoNetworksAreConfigured() throws Exception {
        assertTrue(new AllowedNetworks(List.of()).allows(InetAddress.getByName("203.0.113.77")));
        AllowedNetworks loopback = new AllowedNetworks(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        assertTrue(loopback.allows(InetAddress.getByName("127.1.2.3")));
        assertTrue(loopback.allows(InetAddress.getByName("::1")));
        assertFalse(loopback.allows(InetAddress.getByName("2001:db8::2"))); // a documentation address (RFC 3849)
        assertFalse(loopback.allows(InetAddress.getByName("203.0.113.77")));
    }

    @Test
    void placesRoutersOnTheLeastLoadedWorkerWithOnePortEach() throws Exception {
        engine.close();
        MediaConfig base = MediaConfig.loopbackForTests();
        engine = MediaEngine.start(new MediaConfig(base.bindAddress(), 0, 2, base.advertisedAddresses(),
                base.allowedNetworks(), base.consentTimeout(), base.dtlsHandshakeTimeout()));
        assertEquals(2, engine.ports().size());
        assertNotEquals(engine.ports().get(0), engine.ports().get(1));
        assertNotNull(engine.createRouter());
        assertNotNull(engine.createRouter());
        assertEquals(1, engine.workers().get(0).routerCount());
        assertEquals(1, engine.workers().get(1).routerCount());
        WebRtcTransport second = engine.workers().get(1).createTransport(new RecordingReceiver());
        assertEquals(engine.ports().get(1), second.localCandidates().get(0).port());
        assertSame(engine.workers().get(1).eventLoop(), second.eventLoop());
        assertNotSame(engine.workers().get(0).eventLoop(), second.eventLoop());
    }

    @Test
    void aWorkerKeepsNoClosedRouterBeyondTheNextPlacement() throws Exception {
        // One worker, as by default: placement never compares, so the worker itself must drop closed routers.
        for (int i = 0; i < 100; i++) {
            Router router = engine.createRouter();
            router.close();
        }
        worker.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // the closes ran on the loop
        engine.createRouter();
        assertTrue(worker.trackedRouters() <= 2, "closed routers kept: " + worker.trackedRouters());
    }

    @Test
    void placesTheNextRouterOnTheWorkerWithTheFewestLiveRouters() throws Exception {
        engine.close();
        MediaConfig base = MediaConfig.loopbackForTests();
        engine = MediaEngine.start(new MediaConfig(base.bindAddress(), 0, 2, base.advertisedAddresses(),
                base.allowedNetworks(), base.consentTimeout(), base.dtlsHandshakeTimeout()));
        MediaWorker first = engine.workers().get(0);
        MediaWorker second = engine.workers().get(1);
        Router a = engine.createRouter();
        Router b = engine.createRouter();
        Router c = engine.createRouter();
        assertSame(first.eventLoop(), a.eventLoop());
        assertSame(second.eventLoop(), b.eventLoop());
        assertSame(first.eventLoop(), c.eventLoop());
        a.close();
        c.close();
        // close runs on the router's loop: a task queued after it runs after it
        first.eventLoop().submit(() -> { }).sync();
        assertTrue(a.isClosed() && c.isClosed());
        assertEquals(0, first.routerCount());
        assertEquals(1, second.routerCount());
        assertSame(first.eventLoop(), engine.createRouter().eventLoop());
        assertEquals(1, first.routerCount());
    }
}
