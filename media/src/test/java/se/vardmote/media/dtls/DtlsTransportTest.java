package se.vardmote.media.dtls;

import static org.junit.jupiter.api.Assertions.*;
import static se.vardmote.media.testkit.Eventually.eventually;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/** The server's DTLS code against our bctls client, over an in-memory datagram pair. */
class DtlsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate("vardmote-test-server");
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate("vardmote-test-client");
    private static final HandshakePool POOL = new HandshakePool(new DtlsHandshakeLimits(4, 16, 8), Duration.ofSeconds(10));

    @AfterAll
    static void stop() {
        POOL.close();
    }

    /** The server side's events. */
    static final class Events implements DtlsTransport.Listener {
        final CompletableFuture<SrtpKeyMaterial> keys = new CompletableFuture<>();
        final CompletableFuture<String> peerFingerprint = new CompletableFuture<>();
        final CompletableFuture<String> failure = new CompletableFuture<>();
        final CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();

        @Override public void onHandshakeComplete(SrtpKeyMaterial k, String fp) { keys.complete(k); peerFingerprint.complete(fp); }
        @Override public void onFailed(String reason) { failure.complete(reason); }
        @Override public void onPeerClosed() { peerClosed.complete(true); }
    }

    private record Pair(DtlsTransport server, QueuedDatagramTransport clientSide, Events events) {}

    private static Pair pair(String expectedClientFingerprint, SrtpProfile[] serverProfiles) {
        Events events = new Events();
        QueuedDatagramTransport[] client = new QueuedDatagramTransport[1];
        DtlsTransport server = new DtlsTransport(SERVER_CERT, () -> expectedClientFingerprint,
                serverProfiles, (buf, off, len) -> {
                    byte[] copy = new byte[len];
                    System.arraycopy(buf, off, copy, 0, len);
                    client[0].offer(copy);
                }, POOL, InetAddress.getLoopbackAddress(), events);
        client[0] = new QueuedDatagramTransport((buf, off, len) ->
                server.receive(Unpooled.wrappedBuffer(buf, off, len)));
        return new Pair(server, client[0], events);
    }

    @Test
    void bothSidesExportTheSameAesGcmKeys() throws Exception {
        handshakeExportsIdenticalKeys(DtlsTransport.DEFAULT_PROFILES, DtlsTransport.DEFAULT_PROFILES, SrtpProfile.AEAD_AES_128_GCM);
    }

    @Test
    void negotiatesCmHmacSha1WhenTheClientOffersOnlyThat() throws Exception {
        handshakeExportsIdenticalKeys(new SrtpProfile[] {SrtpProfile.AES128_CM_HMAC_SHA1_80},
                DtlsTransport.DEFAULT_PROFILES, SrtpProfile.AES128_CM_HMAC_SHA1_80);
    }

    private void handshakeExportsIdenticalKeys(SrtpProfile[] clientOffers, SrtpProfile[] serverProfiles,
                                               SrtpProfile expected) throws Exception {
        Pair p = pair(CLIENT_CERT.fingerprint(), serverProfiles);
        DtlsClient client = new DtlsClient(CLIENT_CERT, SERVER_CERT.fingerprint(), clientOffers, 10_000);
        DtlsClient.Result result = client.connect(p.clientSide());
        SrtpKeyMaterial serverKeys = p.events().keys.get(10, TimeUnit.SECONDS);
        assertEquals(expected, result.keys().profile());
        assertEquals(result.keys(), serverKeys);
        assertEquals(CLIENT_CERT.fingerprint(), p.events().peerFingerprint.get());
        assertEquals(SERVER_CERT.fingerprint(), result.serverFingerprint());
        assertTrue(p.server().isEstablished());

        // close_notify from the client closes the server side
        result.transport().close();
        assertTrue(p.events().peerClosed.get(10, TimeUnit.SECONDS));
        p.server().close();
    }

    @Test
    void closesWithFingerprintMismatchWhenClientCertificateDiffersFromSdp() throws Exception {
        Pair p = pair(DtlsCertificate.generate("someone-else").fingerprint(), DtlsTransport.DEFAULT_PROFILES);
        DtlsClient client = new DtlsClient(CLIENT_CERT, SERVER_CERT.fingerprint(), DtlsTransport.DEFAULT_PROFILES, 5_000);
        assertThrows(IOException.class, () -> client.connect(p.clientSide()));
        assertEquals("dtls_fingerprint_mismatch", p.events().failure.get(10, TimeUnit.SECONDS));
        assertFalse(p.events().keys.isDone());
    }

    @Test
    void clientRefusesServerWhoseFingerprintDiffersFromSdp() throws Exception {
        Pair p = pair(CLIENT_CERT.fingerprint(), DtlsTransport.DEFAULT_PROFILES);
        DtlsClient client = new DtlsClient(CLIENT_CERT, CLIENT_CERT.fingerprint(), DtlsTransport.DEFAULT_PROFILES, 5_000);
        assertThrows(IOException.class, () -> client.connect(p.clientSide()));
        assertEquals("dtls_failed", p.events().failure.get(10, TimeUnit.SECONDS));
    }

    // ---- the handshake pool's bounds ----

    private static final InetAddress FIRST = address(127, 0, 0, 1);
    private static final InetAddress SECOND = address(127, 0, 0, 2);

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A real ClientHello from our bctls client, captured as the first datagram it sends. */
    private static byte[] clientHello() {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsClient client = new DtlsClient(CLIENT_CERT, SERVER_CERT.fingerprint(), DtlsTransport.DEFAULT_PROFILES, 5_000);
        assertThrows(IOException.class, () -> client.connect(new QueuedDatagramTransport((buf, off, len) -> {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            first.complete(copy);
            throw new IOException("captured"); // ends the client's handshake here
        })));
        byte[] hello = first.getNow(null);
        assertNotNull(hello);
        assertEquals(22, hello[0], "a handshake record");
        return hello;
    }

    /** A server side whose peer sent one ClientHello and then nothing; counts what the server sends. */
    private record HalfOpen(DtlsTransport server, Events events, java.util.concurrent.atomic.AtomicInteger sent) {
        DtlsTransport.Intake hello(byte[] clientHello) {
            return server.receive(Unpooled.wrappedBuffer(clientHello));
        }
    }

    private static HalfOpen halfOpen(HandshakePool pool, InetAddress source) {
        Events events = new Events();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        DtlsTransport server = new DtlsTransport(SERVER_CERT, CLIENT_CERT::fingerprint, DtlsTransport.DEFAULT_PROFILES,
                (buf, off, len) -> sent.incrementAndGet(), pool, source, events);
        return new HalfOpen(server, events, sent);
    }

    /** A complete handshake with our client through {@code pool}, from {@code source}. */
    private static void completesAHandshake(HandshakePool pool, InetAddress source) throws Exception {
        Events events = new Events();
        QueuedDatagramTransport[] client = new QueuedDatagramTransport[1];
        DtlsTransport server = new DtlsTransport(SERVER_CERT, CLIENT_CERT::fingerprint, DtlsTransport.DEFAULT_PROFILES,
                (buf, off, len) -> client[0].offer(java.util.Arrays.copyOfRange(buf, off, off + len)), pool, source, events);
        client[0] = new QueuedDatagramTransport((buf, off, len) -> server.receive(Unpooled.wrappedBuffer(buf, off, len)));
        DtlsClient.Result result = new DtlsClient(CLIENT_CERT, SERVER_CERT.fingerprint(), DtlsTransport.DEFAULT_PROFILES,
                5_000).connect(client[0]);
        assertEquals(result.keys(), events.keys.get(5, TimeUnit.SECONDS));
        result.transport().close();
        server.close();
    }

    @Test
    void refusesHandshakesBeyondThePerSourceCap() throws Exception {
        byte[] hello = clientHello();
        try (HandshakePool pool = new HandshakePool(new DtlsHandshakeLimits(4, 16, 2), Duration.ofSeconds(10))) {
            HalfOpen a = halfOpen(pool, FIRST);
            HalfOpen b = halfOpen(pool, FIRST);
            HalfOpen c = halfOpen(pool, FIRST);
            assertEquals(DtlsTransport.Intake.ACCEPTED, a.hello(hello));
            assertEquals(DtlsTransport.Intake.ACCEPTED, b.hello(hello));
            assertEquals(DtlsTransport.Intake.REFUSED, c.hello(hello), "a third from the same address");
            assertEquals(DtlsTransport.Intake.REFUSED, c.hello(hello), "and its retransmission, while two are open");
            assertEquals(2L, pool.counters().get("dtls.handshakes.refused.per_source"));
            assertEquals(0L, pool.counters().get("dtls.handshakes.refused.too_many"));
            assertEquals(2, pool.inProgress());

            completesAHandshake(pool, SECOND); // another address is not held up

            // A refused handshake kept nothing and failed nothing: once a place is free its retransmission gets in
            assertFalse(c.events().failure.isDone());
            a.server().close();
            eventually("a's place given back", WAIT, () -> pool.inProgress() == 1);
            assertEquals(DtlsTransport.Intake.ACCEPTED, c.hello(hello));
            eventually("the server's flight to c", WAIT, () -> c.sent().get() > 0);
            b.server().close();
            c.server().close();
            eventually("every place given back", WAIT, () -> pool.inProgress() == 0);
            assertEquals(4L, pool.counters().get("dtls.handshakes.admitted"));
        }
    }

    @Test
    void refusesHandshakesBeyondTheInProgressBound() throws Exception {
        byte[] hello = clientHello();
        try (HandshakePool pool = new HandshakePool(new DtlsHandshakeLimits(1, 2, 8), Duration.ofSeconds(10))) {
            HalfOpen a = halfOpen(pool, address(127, 0, 0, 1));
            HalfOpen b = halfOpen(pool, address(127, 0, 0, 2));
            HalfOpen c = halfOpen(pool, address(127, 0, 0, 3));
            assertEquals(DtlsTransport.Intake.ACCEPTED, a.hello(hello));
            assertEquals(DtlsTransport.Intake.ACCEPTED, b.hello(hello), "waits for the only thread");
            assertEquals(DtlsTransport.Intake.REFUSED, c.hello(hello));
            assertEquals(1L, pool.counters().get("dtls.handshakes.refused.too_many"));
            assertEquals(0L, pool.counters().get("dtls.handshakes.refused.per_source"));
            assertEquals(0, b.sent().get(), "b has not had a thread yet");
            assertFalse(c.events().failure.isDone());
            b.server().close(); // closed while waiting: its place is free at once, and no thread ever runs it
            assertEquals(1, pool.inProgress());
            assertEquals(DtlsTransport.Intake.ACCEPTED, c.hello(hello));
            a.server().close();
            c.server().close();
            eventually("every place given back", WAIT, () -> pool.inProgress() == 0);
            assertEquals(0, b.sent().get());
        }
    }

    @Test
    void abandonsAHalfOpenHandshakeAtItsDeadlineAndFreesItsThread() throws Exception {
        byte[] hello = clientHello();
        try (HandshakePool pool = new HandshakePool(new DtlsHandshakeLimits(1, 4, 4), Duration.ofMillis(700))) {
            HalfOpen silent = halfOpen(pool, FIRST);
            long start = System.nanoTime();
            assertEquals(DtlsTransport.Intake.ACCEPTED, silent.hello(hello));
            eventually("the server's first flight", WAIT, () -> silent.sent().get() > 0);
            assertEquals("dtls_timeout", silent.events().failure.get(5, TimeUnit.SECONDS));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis >= 600 && tookMillis < 3000, "abandoned at its deadline, took " + tookMillis + " ms");
            eventually("the thread and the place freed", WAIT, () -> pool.busyThreads() == 0 && pool.inProgress() == 0);
            assertEquals(1L, pool.counters().get("dtls.handshakes.abandoned.running"));
            assertEquals(0L, pool.counters().get("dtls.handshakes.abandoned.queued"));
            assertEquals(DtlsTransport.Intake.DROPPED, silent.hello(hello), "the association is over");

            completesAHandshake(pool, FIRST); // the only thread serves the next peer
            assertEquals(1L, pool.counters().get("dtls.handshakes.abandoned.running"));
        }
    }

    @Test
    void abandonsAHandshakeThatWaitedForAThreadUntilItsDeadlineWithoutRunningIt() throws Exception {
        byte[] hello = clientHello();
        try (HandshakePool pool = new HandshakePool(new DtlsHandshakeLimits(1, 4, 4), Duration.ofMillis(500))) {
            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            pool.executor().execute(() -> { // something else holds the only thread past the deadline
                try {
                    busy.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            HalfOpen queued = halfOpen(pool, FIRST);
            assertEquals(DtlsTransport.Intake.ACCEPTED, queued.hello(hello));
            assertEquals("dtls_timeout", queued.events().failure.get(5, TimeUnit.SECONDS));
            assertEquals(0, pool.inProgress(), "its place is free at once");
            assertEquals(1L, pool.counters().get("dtls.handshakes.abandoned.queued"));
            busy.countDown();
            eventually("the thread free", WAIT, () -> pool.busyThreads() == 0);
            Thread.sleep(100);
            assertEquals(0, queued.sent().get(), "it never ran");
            assertEquals(0L, pool.counters().get("dtls.handshakes.abandoned.running"));
        }
    }

    @Test
    void fingerprintsAreSdpStyleSha256() {
        assertTrue(SERVER_CERT.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
        assertNotEquals(SERVER_CERT.fingerprint(), CLIENT_CERT.fingerprint());
        assertTrue(DtlsCertificate.sameFingerprint(SERVER_CERT.fingerprint().toLowerCase(), SERVER_CERT.fingerprint()));
    }
}
