package se.vardmote.media.dtls;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.TlsTimeoutException;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/**
 * The server side of one DTLS-SRTP association. bctls's {@code DTLSServerProtocol.accept} blocks, so the
 * handshake runs on a small separate executor, fed through a {@link QueuedDatagramTransport} that the event
 * loop fills. After the handshake, records that still arrive (a retransmitted client Finished flight,
 * alerts, close_notify) are fed to the established {@code DTLSTransport} by short tasks on the same executor,
 * one at a time.
 *
 * <p>{@link #receive} is called on the event loop; {@link #close} from any thread; the {@link Listener}
 * hears from a DTLS thread and must hop to its own loop.
 */
public final class DtlsTransport {

    /** What the DTLS association reports. Called on a DTLS thread. */
    public interface Listener {
        /** Keys are exported; {@code peerFingerprint} is the SHA-256 fingerprint of the client's certificate. */
        void onHandshakeComplete(SrtpKeyMaterial keys, String peerFingerprint);

        /** The handshake or the association failed; reason is {@code dtls_fingerprint_mismatch},
         *  {@code dtls_timeout} or {@code dtls_failed}. */
        void onFailed(String reason);

        /** The peer sent close_notify (or a fatal alert) after the handshake. */
        void onPeerClosed();
    }

    /** Profiles in our order of preference (RFC 7714 GCM first). */
    public static final SrtpProfile[] DEFAULT_PROFILES = {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80};

    private final DtlsServer server;
    private final QueuedDatagramTransport datagrams;
    private final Executor executor;
    private final Listener listener;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Object lock = new Object();
    private volatile org.bouncycastle.tls.DTLSTransport established;
    private volatile boolean closed;
    private volatile boolean reported;

    public DtlsTransport(DtlsCertificate certificate, Duration handshakeTimeout, Supplier<String> expectedFingerprint,
                         SrtpProfile[] profiles, QueuedDatagramTransport.DatagramSender sender, Executor executor,
                         Listener listener) {
        this.server = new DtlsServer(certificate, (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis()),
                expectedFingerprint, profiles);
        this.datagrams = new QueuedDatagramTransport(sender);
        this.executor = executor;
        this.listener = listener;
        this.datagrams.onClose(this::transportClosed);
    }

    /**
     * One DTLS datagram from the selected peer. Copies what it needs; the caller keeps the buffer.
     * Event loop.
     *
     * @return false when it was dropped (queue full, too large, or closed)
     */
    public boolean receive(ByteBuf datagram) {
        if (closed) return false;
        int length = datagram.readableBytes();
        if (length > QueuedDatagramTransport.RECEIVE_LIMIT) return false;
        byte[] copy = new byte[length]; // handshake-rate traffic, not the media hot path
        datagram.getBytes(datagram.readerIndex(), copy);
        if (!datagrams.offer(copy)) return false;
        if (started.compareAndSet(false, true)) {
            submit(this::handshake);
        } else if (established != null) {
            scheduleDrain();
        }
        return true;
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            fail("dtls_failed");
        }
    }

    private void handshake() {
        try {
            DTLSServerProtocol protocol = new DTLSServerProtocol();
            // No HelloVerifyRequest cookie (RFC 6347 §4.2.1): ICE has already proven the peer's address, and
            // the stateless check cannot cope with Chromium's ClientHello in two fragments.
            protocol.setVerifyRequests(false);
            org.bouncycastle.tls.DTLSTransport transport = protocol.accept(server, datagrams);
            synchronized (lock) {
                if (closed) {
                    closeQuietly(transport);
                    return;
                }
                established = transport;
            }
            SrtpKeyMaterial keys = server.keys();
            if (keys == null) {
                fail("dtls_failed");
                return;
            }
            listener.onHandshakeComplete(keys, server.peerFingerprint());
            if (datagrams.hasPending()) scheduleDrain();
        } catch (TlsTimeoutException e) {
            fail("dtls_timeout");
        } catch (IOException | RuntimeException e) {
            if (server.fingerprintMismatch()) fail("dtls_fingerprint_mismatch");
            else fail("dtls_failed");
        }
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) submit(this::drain);
    }

    /** Lets bctls process post-handshake records: it answers a retransmitted Finished and notices alerts. */
    private void drain() {
        byte[] scratch = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
        try {
            synchronized (lock) {
                org.bouncycastle.tls.DTLSTransport transport = established;
                while (!closed && transport != null && datagrams.hasPending()) {
                    // Application data (a data channel) is not ours to handle: SCTP is not negotiated.
                    transport.receive(scratch, 0, scratch.length, 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (server.closedByPeer()) peerClosed();
            else fail("dtls_failed");
        } finally {
            draining.set(false);
        }
        if (!closed && datagrams.hasPending()) scheduleDrain();
    }

    private void transportClosed() {
        // bctls closes its transport after a close_notify or a fatal alert from the peer
        if (!closed && established != null) peerClosed();
    }

    private void peerClosed() {
        if (reported) return;
        reported = true;
        closed = true;
        listener.onPeerClosed();
    }

    private void fail(String reason) {
        if (reported || closed) return;
        reported = true;
        closed = true;
        datagrams.close();
        listener.onFailed(reason);
    }

    /** The fingerprint of the client's certificate, once it has sent it. Any thread. */
    public String peerFingerprint() {
        return server.peerFingerprint();
    }

    public boolean isEstablished() {
        return established != null && !closed;
    }

    /** Sends close_notify if established and frees the association; the listener hears nothing more. Any thread. */
    public void close() {
        org.bouncycastle.tls.DTLSTransport transport;
        synchronized (lock) {
            if (closed && reported) {
                transport = null;
            } else {
                transport = established;
            }
            closed = true;
            reported = true;
        }
        if (transport != null) {
            try {
                executor.execute(() -> {
                    synchronized (lock) {
                        closeQuietly(transport);
                    }
                    datagrams.close();
                });
                return;
            } catch (RejectedExecutionException e) {
                closeQuietly(transport);
            }
        }
        datagrams.close();
    }

    private static void closeQuietly(org.bouncycastle.tls.DTLSTransport transport) {
        try {
            transport.close(); // RFC 5246 §7.2.1: sends close_notify
        } catch (IOException | RuntimeException ignored) {
            // the peer may be gone already
        }
    }
}
