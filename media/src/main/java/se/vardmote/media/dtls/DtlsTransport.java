package se.vardmote.media.dtls;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.TlsTimeoutException;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/**
 * The server side of one DTLS-SRTP association. bctls's {@code DTLSServerProtocol.accept} blocks, so the
 * handshake runs on a thread of the engine's {@link HandshakePool}, fed through a {@link QueuedDatagramTransport}
 * that the event loop fills. The first record asks the pool for a place: refused (too many in progress, or
 * from this address), the record is dropped and nothing is kept, so the peer's retransmitted ClientHello asks
 * again; admitted, the handshake must finish by the pool's deadline or fails {@code dtls_timeout}. After the
 * handshake, records that still arrive (a retransmitted client Finished flight, alerts, close_notify) are fed
 * to the established {@code DTLSTransport} by short tasks on the same threads, one at a time.
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

    /** What became of a received record. */
    public enum Intake {
        /** Queued for the handshake or the established association. */
        ACCEPTED,
        /** Dropped: too large, the queue full, or the association closed. */
        DROPPED,
        /** The first record of a handshake the pool had no place for (counted there); nothing kept. */
        REFUSED
    }

    /** Profiles in our order of preference (RFC 7714 GCM first). */
    public static final SrtpProfile[] DEFAULT_PROFILES = {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80};

    private final DtlsServer server;
    private final QueuedDatagramTransport datagrams;
    private final HandshakePool pool;
    private final InetAddress source;
    private final Listener listener;
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set when the listener has been told (or must hear nothing more). */
    private final AtomicBoolean reported = new AtomicBoolean();
    private final Object lock = new Object();
    /** The pool's place for the handshake; null until one was admitted. Written on the event loop. */
    private volatile HandshakePool.Slot slot;
    private volatile org.bouncycastle.tls.DTLSTransport established;
    private volatile boolean closed;

    /**
     * @param source the peer's IP address, for the pool's per-source bound (never logged or counted by name)
     */
    public DtlsTransport(DtlsCertificate certificate, Supplier<String> expectedFingerprint, SrtpProfile[] profiles,
                         QueuedDatagramTransport.DatagramSender sender, HandshakePool pool, InetAddress source,
                         Listener listener) {
        this.server = new DtlsServer(certificate, expectedFingerprint, profiles);
        this.datagrams = new QueuedDatagramTransport(sender);
        this.pool = pool;
        this.source = source;
        this.listener = listener;
        this.datagrams.onClose(this::transportClosed);
    }

    /**
     * One DTLS datagram from the selected peer. Borrows the buffer: copies what it keeps, and keeps nothing
     * of a refused one. Never throws for the peer's doing. Event loop.
     */
    public Intake receive(ByteBuf datagram) {
        if (closed) return Intake.DROPPED;
        int length = datagram.readableBytes();
        if (length == 0 || length > QueuedDatagramTransport.RECEIVE_LIMIT) return Intake.DROPPED;
        HandshakePool.Slot admitted = null;
        if (slot == null) {
            admitted = pool.admit(source);
            if (admitted == null) return Intake.REFUSED;
            slot = admitted;
        }
        byte[] copy = new byte[length]; // handshake-rate traffic, not the media hot path
        datagram.getBytes(datagram.readerIndex(), copy);
        boolean queued = datagrams.offer(copy); // a fresh queue takes the first record
        if (admitted != null) {
            try {
                admitted.start(this::handshake, this::deadlinePassed);
            } catch (RejectedExecutionException e) {
                fail("dtls_failed"); // the engine is closing
            }
        } else if (queued && established != null) {
            scheduleDrain();
        }
        return queued ? Intake.ACCEPTED : Intake.DROPPED;
    }

    private void submit(Runnable task) {
        try {
            pool.executor().execute(task);
        } catch (RejectedExecutionException e) {
            fail("dtls_failed");
        }
    }

    /** On a handshake thread, in the pool's place. */
    private void handshake() {
        HandshakePool.Slot place = slot;
        try {
            // bctls's own timer ends at the same deadline; whichever notices first abandons the handshake
            server.setHandshakeTimeoutMillis(place.remainingMillis());
            DTLSServerProtocol protocol = new DTLSServerProtocol();
            // No HelloVerifyRequest cookie (RFC 6347 §4.2.1): ICE has already proven the peer's address, and
            // the stateless check cannot cope with Chromium's ClientHello in two fragments.
            protocol.setVerifyRequests(false);
            org.bouncycastle.tls.DTLSTransport transport = protocol.accept(server, datagrams);
            if (!place.complete()) { // the deadline passed just as it finished: it has already failed
                closeQuietly(transport);
                return;
            }
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
            place.expire();
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

    /** The pool's deadline passed (deadline thread, or the handshake thread after bctls's timer). */
    private void deadlinePassed() {
        fail("dtls_timeout"); // closes the datagram queue, so a blocked accept fails at once and frees its thread
    }

    private void transportClosed() {
        // bctls closes its transport after a close_notify or a fatal alert from the peer
        if (!closed && established != null) peerClosed();
    }

    private void peerClosed() {
        if (!reported.compareAndSet(false, true)) return;
        closed = true;
        listener.onPeerClosed();
    }

    private void fail(String reason) {
        if (closed || !reported.compareAndSet(false, true)) return;
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
        HandshakePool.Slot place = slot;
        if (place != null) place.cancel(); // still waiting for a thread: its place is free at once
        org.bouncycastle.tls.DTLSTransport transport;
        synchronized (lock) {
            if (closed && reported.get()) {
                transport = null;
            } else {
                transport = established;
            }
            closed = true;
            reported.set(true);
        }
        if (transport != null) {
            try {
                pool.executor().execute(() -> {
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
