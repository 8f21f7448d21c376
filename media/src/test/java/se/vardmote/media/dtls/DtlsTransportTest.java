package se.vardmote.media.dtls;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/** The server's DTLS code against our bctls client, over an in-memory datagram pair. */
class DtlsTransportTest {

    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate("vardmote-test-server");
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate("vardmote-test-client");
    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dtls-handshake-test");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stop() {
        EXECUTOR.shutdownNow();
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
        DtlsTransport server = new DtlsTransport(SERVER_CERT, Duration.ofSeconds(10), () -> expectedClientFingerprint,
                serverProfiles, (buf, off, len) -> {
                    byte[] copy = new byte[len];
                    System.arraycopy(buf, off, copy, 0, len);
                    client[0].offer(copy);
                }, EXECUTOR, events);
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

    @Test
    void fingerprintsAreSdpStyleSha256() {
        assertTrue(SERVER_CERT.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
        assertNotEquals(SERVER_CERT.fingerprint(), CLIENT_CERT.fingerprint());
        assertTrue(DtlsCertificate.sameFingerprint(SERVER_CERT.fingerprint().toLowerCase(), SERVER_CERT.fingerprint()));
    }
}
