package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.*;
import static se.vardmote.media.testkit.Eventually.eventually;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.DtlsClient;
import se.vardmote.media.dtls.DtlsHandshakeLimits;
import se.vardmote.media.dtls.DtlsTransport;
import se.vardmote.media.dtls.QueuedDatagramTransport;

/**
 * Half-open DTLS handshakes over real UDP on loopback: peers that pass ICE, send one ClientHello and fall
 * silent, against the engine's handshake bounds, while a real peer from another loopback address connects.
 */
class DtlsHandshakeFloodTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String PEER_PASSWORD = "peerpasswordpeerpassword";

    private MediaEngine engine;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        if (engine != null) engine.close();
    }

    private MediaWorker start(DtlsHandshakeLimits limits, Duration deadline) throws InterruptedException {
        engine = MediaEngine.start(MediaConfig.loopbackForTests().withDtlsHandshakes(limits, deadline));
        return engine.workers().get(0);
    }

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /** A real ClientHello from our bctls client, captured as the first datagram it sends. */
    private static byte[] clientHello() {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsClient client = new DtlsClient(DtlsCertificate.generate("flood"), "00", DtlsTransport.DEFAULT_PROFILES, 5_000);
        assertThrows(IOException.class, () -> client.connect(new QueuedDatagramTransport((buf, off, len) -> {
            first.complete(java.util.Arrays.copyOfRange(buf, off, off + len));
            throw new IOException("captured"); // ends the client's handshake here
        })));
        return first.getNow(null);
    }

    /** A transport with a peer from {@code local} that has passed its connectivity check. */
    private record Peer(WebRtcTransport transport, RecordingReceiver receiver, LoopbackPeer peer) {}

    private Peer checkedPeer(MediaWorker worker, InetAddress local) throws IOException {
        RecordingReceiver receiver = new RecordingReceiver();
        WebRtcTransport transport = worker.createTransport(receiver);
        LoopbackPeer peer = new LoopbackPeer(worker.port(), local);
        toClose.add(peer);
        transport.setRemoteParameters(peer.ufrag, PEER_PASSWORD, "sha-256", peer.certificate.fingerprint());
        assertNotNull(peer.check(transport.localUfrag(), transport.localPassword(), true), "ICE check answered");
        return new Peer(transport, receiver, peer);
    }

    /** Half-open: one ClientHello, then silence (the server's flight goes unanswered). */
    private List<Peer> flood(MediaWorker worker, List<InetAddress> sources, byte[] hello) throws IOException {
        List<Peer> flood = new ArrayList<>();
        for (InetAddress source : sources) {
            Peer p = checkedPeer(worker, source);
            p.peer().send(hello);
            flood.add(p);
        }
        return flood;
    }

    private long counter(String name) {
        return engine.counters().get(name);
    }

    private static byte[] rtp(int seq) {
        byte[] p = new byte[12 + 100];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[3] = (byte) seq;
        p[11] = 0x42; // SSRC
        return p;
    }

    @Test
    void aHandshakeFloodLeavesRoomForARealPeer() throws Exception {
        MediaWorker worker = start(new DtlsHandshakeLimits(4, 8, 2), Duration.ofSeconds(4));
        InetAddress attacker = loopback(1);
        List<Peer> flood = flood(worker, List.of(attacker, attacker, attacker, attacker, attacker, attacker), clientHello());
        eventually("four of six refused", WAIT, () -> counter("dtls.handshakes.refused.per_source") == 4);
        assertEquals(2L, counter("dtls.handshakes.admitted"), "two from one address at most");
        assertEquals(2, engine.handshakes().inProgress());

        Peer real = checkedPeer(worker, loopback(2));
        long start = System.nanoTime();
        real.peer().connectDtls(real.transport().localFingerprint());
        assertSame(real.transport(), real.receiver().connected.get(5, TimeUnit.SECONDS));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // The real peer's place is freed just after it is told it connected; the flood's two stay open.
        eventually("the real peer's place freed while the flood's two are still open (connected after " + tookMillis
                + " ms)", WAIT, () -> engine.handshakes().inProgress() == 2);
        real.peer().sendSrtp(rtp(1), false);
        assertNotNull(real.receiver().rtp.poll(5, TimeUnit.SECONDS), "media flows");

        // At their deadline the flood's two handshakes are abandoned and their transports close; the refused
        // four kept nothing and failed nothing.
        eventually("the flood abandoned at its deadline", WAIT, () -> counter("dtls.handshakes.abandoned.running") == 2);
        eventually("two flood transports closed", WAIT,
                () -> flood.stream().filter(p -> p.receiver().closed.isDone()).count() == 2);
        for (Peer p : flood) {
            if (p.receiver().closed.isDone()) assertEquals("dtls_timeout", p.receiver().closed.get());
        }
        eventually("every place and thread free", WAIT,
                () -> engine.handshakes().inProgress() == 0 && engine.handshakes().busyThreads() == 0);
        assertEquals(1L, counter("dtls.handshakes.completed"));
        assertEquals(0L, counter("dtls.handshakes.refused.too_many"));
        assertEquals(0L, counter("dtls.handshakes.abandoned.queued"));
        assertFalse(real.receiver().closed.isDone(), "the real peer stays connected");
    }

    @Test
    void aRealPeerRefusedDuringAFloodGetsInWithItsRetransmittedClientHello() throws Exception {
        MediaWorker worker = start(new DtlsHandshakeLimits(4, 8, 2), Duration.ofSeconds(2));
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 3; i < 11; i++) sources.add(loopback(i)); // eight addresses, one each: the bound is full
        flood(worker, sources, clientHello());
        eventually("the bound full", WAIT, () -> engine.handshakes().inProgress() == 8);

        // bctls's client resends its ClientHello after 1 s, then 2 s more: the flood's places free at 2 s
        Peer real = checkedPeer(worker, loopback(2));
        real.peer().connectDtls(real.transport().localFingerprint());
        assertSame(real.transport(), real.receiver().connected.get(5, TimeUnit.SECONDS));
        assertTrue(counter("dtls.handshakes.refused.too_many") >= 1, "the first ClientHello was refused");
        assertEquals(8L, counter("dtls.handshakes.abandoned.running") + counter("dtls.handshakes.abandoned.queued"));
        assertEquals(1L, counter("dtls.handshakes.completed"));
        assertFalse(real.receiver().closed.isDone());
    }
}
