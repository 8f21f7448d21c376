package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.bwe.SendHistory;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.DtlsTransport;
import se.vardmote.media.ice.IceLiteAgent;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpSession;

/**
 * A {@link WebRtcTransport} on a {@link MediaWorker}'s shared UDP port (or one of its ICE-TCP connections,
 * whichever the selected address names): ICE-lite ({@link IceLiteAgent}), DTLS in the server role
 * ({@link DtlsTransport}) and SRTP ({@link SrtpSession}).
 *
 * <p>Owned by the worker's event loop. The "any thread" methods of the interface are safe anywhere; the
 * DTLS thread only sends records and reports results, which hop onto the loop.
 */
final class WorkerTransport implements WebRtcTransport, DtlsTransport.Listener, Pacer.Sink {

    /** Chromium's first SRTP packets can beat the key hand-off from the DTLS thread; keep a few. */
    static final int MAX_EARLY_PACKETS = 16;
    /** Room after a plaintext packet for the SRTP tag (16) or the SRTCP index and tag (20). */
    static final int TRAILER_ROOM = 32;

    private final MediaWorker worker;
    private final String id;
    private final IceLiteAgent agent;
    private final RtpReceiver receiver;
    private final List<IceCandidate> candidates;

    private volatile String remoteFingerprint;
    private volatile String remoteFingerprintHash;
    private volatile String remotePassword;

    // Loop-only
    private DtlsTransport dtls;
    private SrtpSession srtp;
    private boolean connected;
    private boolean closed;
    private SrtpKeyMaterial pendingKeys;
    private String pendingPeerFingerprint;
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    /** Created with the receiver's first downlink estimate; null until then (nothing is paced). */
    private Pacer pacer;
    /** Set when the receiver reports arrivals by transport-wide sequence number; null until then. */
    private TransportWideSequencer sequencer;

    WorkerTransport(MediaWorker worker, String ufrag, String password, RtpReceiver receiver, long nowNanos) {
        this.worker = worker;
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.agent = new IceLiteAgent(ufrag, password, nowNanos);
        this.receiver = receiver;
        this.candidates = candidates(worker.config().advertisedAddresses(), worker.port(), worker.tcpPort());
    }

    /** Type preference of a passive TCP host candidate: below UDP host (126), so UDP wins where it works. */
    static final long TCP_TYPE_PREFERENCE = 90;

    /**
     * A UDP host candidate per advertised address, then (when {@code tcpPort > 0}) a passive TCP one each.
     * RFC 8445 §5.1.2.1: priority = 2^24 * type preference + 2^8 * local preference + (256 - component);
     * for TCP, RFC 6544 §4.2: local preference = 2^13 * direction preference (passive: 4) + other preference.
     */
    static List<IceCandidate> candidates(List<InetAddress> advertised, int port, int tcpPort) {
        List<IceCandidate> out = new ArrayList<>(2 * advertised.size());
        for (int i = 0; i < advertised.size(); i++) {
            long typePreference = 126; // host
            long localPreference = 65535 - i;
            long priority = (typePreference << 24) + (localPreference << 8) + (256 - 1);
            out.add(new IceCandidate(Integer.toString(i + 1), 1, "udp", priority, host(advertised.get(i)), port));
        }
        if (tcpPort > 0) {
            for (int i = 0; i < advertised.size(); i++) {
                long localPreference = (4L << 13) + (8191 - i);
                long priority = (TCP_TYPE_PREFERENCE << 24) + (localPreference << 8) + (256 - 1);
                out.add(new IceCandidate(Integer.toString(advertised.size() + i + 1), 1, "tcp", priority,
                        host(advertised.get(i)), tcpPort));
            }
        }
        return List.copyOf(out);
    }

    private static String host(InetAddress a) {
        String host = a.getHostAddress();
        if (a instanceof Inet6Address) {
            int scope = host.indexOf('%');
            if (scope >= 0) host = host.substring(0, scope);
        }
        return host;
    }

    // ---- WebRtcTransport ----

    @Override public String id() { return id; }

    @Override public String localUfrag() { return agent.localUfrag(); }

    @Override public String localPassword() { return agent.localPassword(); }

    @Override public List<IceCandidate> localCandidates() { return candidates; }

    @Override public String localFingerprint() { return worker.certificate().fingerprint(); }

    @Override
    public void setRemoteParameters(String remoteUfrag, String remotePassword, String fingerprintHash, String fingerprint) {
        agent.setRemoteUfrag(remoteUfrag);
        this.remotePassword = remotePassword;
        this.remoteFingerprintHash = fingerprintHash;
        // Only sha-256 is computed; any other hash can never match, which fails the DTLS check safely.
        this.remoteFingerprint = "sha-256".equalsIgnoreCase(fingerprintHash) ? fingerprint : "unsupported-hash";
        onLoop(this::checkPendingKeys);
    }

    @Override
    public boolean isConnected() { return connected; }

    @Override
    public void sendRtp(ByteBuf packet) {
        send(packet, false, false);
    }

    @Override
    public void sendDroppableRtp(ByteBuf packet) {
        send(packet, false, true);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        send(packet, true, false);
    }

    private void send(ByteBuf packet, boolean rtcp, boolean droppable) {
        InetSocketAddress to = agent.selectedAddress();
        Channel channel = worker.channel();
        if (!connected || closed || to == null || channel == null) {
            packet.release();
            worker.count(WorkerCounter.OUT_DROPPED_NOT_CONNECTED);
            return;
        }
        ByteBuf heap = packet;
        if (!packet.hasArray()) {
            heap = channel.alloc().heapBuffer(packet.readableBytes() + TRAILER_ROOM);
            heap.writeBytes(packet);
            packet.release();
        }
        Pacer p = pacer;
        if (p != null) {
            long now = System.nanoTime();
            if (droppable) {
                if (p.offer(heap, now)) {
                    if (p.queued() > 0) worker.pacing().schedule(p);
                    return;
                }
            } else {
                p.bypassed(heap.readableBytes(), now);
            }
        }
        protectAndSend(heap, rtcp, droppable, to);
    }

    /** A plaintext RTP packet whose turn the pacer gave: numbered, protected and sent now. */
    @Override
    public void sendPaced(ByteBuf packet) {
        InetSocketAddress to = agent.selectedAddress();
        if (!connected || closed || to == null) {
            packet.release();
            worker.count(WorkerCounter.OUT_DROPPED_NOT_CONNECTED);
            return;
        }
        protectAndSend(packet, false, true, to);
    }

    /** Numbers RTP as it leaves (transport-cc), then protects and sends. Takes ownership of {@code heap}. */
    private void protectAndSend(ByteBuf heap, boolean rtcp, boolean droppable, InetSocketAddress to) {
        if (!rtcp && sequencer != null) {
            sequencer.stamp(heap, System.nanoTime());
        }
        boolean ok = rtcp ? srtp.protectRtcp(heap) : srtp.protectRtp(heap);
        if (!ok) {
            heap.release();
            worker.count(WorkerCounter.SRTP_PROTECT_FAILED);
            return;
        }
        worker.count(rtcp ? WorkerCounter.RTCP_OUT_PACKETS : WorkerCounter.RTP_OUT_PACKETS);
        worker.sendTo(heap, to, droppable);
    }

    @Override
    public void numberPackets(int extensionId, SendHistory history) {
        if (worker.eventLoop().inEventLoop()) sequencer = new TransportWideSequencer(extensionId, history);
        else onLoop(() -> sequencer = new TransportWideSequencer(extensionId, history));
    }

    @Override
    public void probe(int cluster, int bytes, int packets, long bitsPerSecond) {
        if (sequencer != null) sequencer.probe(cluster, bytes, packets);
        if (pacer != null) pacer.probe(bytes, bitsPerSecond, System.nanoTime());
    }

    @Override
    public void count(WorkerCounter counter) {
        worker.count(counter);
    }

    @Override
    public void setDownlinkEstimate(long bitsPerSecond) {
        if (worker.eventLoop().inEventLoop()) pace(bitsPerSecond);
        else onLoop(() -> pace(bitsPerSecond));
    }

    private void pace(long bitsPerSecond) {
        if (closed) return;
        if (pacer == null) {
            if (bitsPerSecond <= 0) return;
            pacer = new Pacer(this);
        }
        pacer.setEstimate(bitsPerSecond, System.nanoTime());
        if (pacer.queued() > 0) worker.pacing().schedule(pacer);
    }

    @Override
    public ByteBuf allocatePacket(int length) {
        Channel channel = worker.channel();
        return (channel != null ? channel.alloc() : io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                .heapBuffer(length + TRAILER_ROOM);
    }

    @Override public EventLoop eventLoop() { return worker.eventLoop(); }

    @Override
    public void close() {
        onLoop(() -> closeOnLoop("closed"));
    }

    // ---- from the worker (loop) ----

    IceLiteAgent agent() { return agent; }

    boolean isClosed() { return closed; }

    /** Another transport took over {@code address} (a new session from the same port); nothing to undo here. */
    void forgetAddress(InetSocketAddress address) {
        // The worker's address map already points elsewhere; our agent may keep it as history.
    }

    /**
     * A DTLS record from the validated address {@code from}; borrows the buffer. The first one asks the
     * engine's handshake pool for a place, which counts its refusals; a refused ClientHello leaves the
     * transport waiting for the peer's retransmission.
     */
    void onDtls(ByteBuf datagram, InetSocketAddress from) {
        if (closed) return;
        if (dtls == null) {
            dtls = new DtlsTransport(worker.certificate(), () -> remoteFingerprint, DtlsTransport.DEFAULT_PROFILES,
                    this::sendDtls, worker.handshakes(), from == null ? null : from.getAddress(), this);
        }
        worker.count(WorkerCounter.DTLS_IN_PACKETS);
        if (dtls.receive(datagram) == DtlsTransport.Intake.DROPPED) worker.count(WorkerCounter.DTLS_DROPPED);
    }

    /** An SRTP or SRTCP packet in a pooled heap buffer; takes ownership. */
    void onSrtp(ByteBuf packet, boolean rtcp) {
        if (closed) {
            packet.release();
            return;
        }
        if (!connected) {
            if (early.size() >= 2 * MAX_EARLY_PACKETS) {
                packet.release();
                worker.count(WorkerCounter.SRTP_EARLY_DROPPED);
            } else {
                early.add(packet);
                early.add(rtcp ? Boolean.TRUE : Boolean.FALSE);
                worker.count(WorkerCounter.SRTP_EARLY_QUEUED);
            }
            return;
        }
        try {
            boolean ok = rtcp ? srtp.unprotectRtcp(packet) : srtp.unprotectRtp(packet);
            if (!ok) {
                worker.count(WorkerCounter.SRTP_UNPROTECT_FAILED);
                return;
            }
            worker.count(rtcp ? WorkerCounter.RTCP_IN_PACKETS : WorkerCounter.RTP_IN_PACKETS);
            try {
                if (rtcp) receiver.onRtcp(this, packet);
                else receiver.onRtp(this, packet);
            } catch (RuntimeException e) {
                worker.count(WorkerCounter.RECEIVER_ERRORS);
            }
        } finally {
            packet.release();
        }
    }

    /** Sends one DTLS record to the selected address. DTLS thread; Netty's write is thread-safe. */
    private void sendDtls(byte[] buf, int off, int len) {
        InetSocketAddress to = agent.selectedAddress();
        Channel channel = worker.channel();
        if (to == null || channel == null || !channel.isActive()) return;
        ByteBuf out = channel.alloc().buffer(len);
        out.writeBytes(buf, off, len);
        TcpMediaLink link = worker.tcpLink(to);
        if (link != null) link.write(out, false);
        else channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
    }

    // ---- DtlsTransport.Listener (DTLS thread) ----

    @Override
    public void onHandshakeComplete(SrtpKeyMaterial keys, String peerFingerprint) {
        onLoop(() -> {
            if (closed) return;
            pendingKeys = keys;
            pendingPeerFingerprint = peerFingerprint;
            checkPendingKeys();
        });
    }

    @Override
    public void onFailed(String reason) {
        onLoop(() -> {
            if (!closed) worker.count(WorkerCounter.DTLS_HANDSHAKES_FAILED);
            closeOnLoop(reason);
        });
    }

    @Override
    public void onPeerClosed() {
        onLoop(() -> closeOnLoop("dtls_closed"));
    }

    /** Connects once both the keys and the SDP fingerprint are here (either may come first). Loop. */
    private void checkPendingKeys() {
        if (closed || connected || pendingKeys == null) return;
        String expected = remoteFingerprint;
        if (expected == null) return; // the answer's fingerprint has not arrived yet
        if (!DtlsCertificate.sameFingerprint(expected, pendingPeerFingerprint)) {
            worker.count(WorkerCounter.DTLS_HANDSHAKES_FAILED);
            closeOnLoop("dtls_fingerprint_mismatch");
            return;
        }
        srtp = new SrtpSession(pendingKeys, true);
        pendingKeys = null;
        connected = true;
        worker.count(WorkerCounter.DTLS_HANDSHAKES_COMPLETED);
        receiver.onConnected(this);
        while (!early.isEmpty() && !closed) {
            ByteBuf packet = (ByteBuf) early.poll();
            boolean rtcp = (Boolean) early.poll();
            onSrtp(packet, rtcp);
        }
    }

    private void onLoop(Runnable task) {
        EventLoop loop = worker.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the loop is gone (engine closed): nobody else touches this state any more
        }
    }

    /** Frees everything and tells the receiver once. Loop. */
    void closeOnLoop(String reason) {
        if (closed) return;
        closed = true;
        connected = false;
        worker.forget(this, agent.validatedAddresses());
        worker.count(WorkerCounter.TRANSPORTS_CLOSED);
        if (dtls != null) dtls.close();
        if (srtp != null) srtp.close();
        while (!early.isEmpty()) {
            Object o = early.poll();
            if (o instanceof ByteBuf b) b.release();
        }
        if (pacer != null) {
            worker.pacing().remove(pacer);
            for (int i = pacer.discard(); i > 0; i--) worker.count(WorkerCounter.OUT_DROPPED_NOT_CONNECTED);
        }
        try {
            receiver.onClosed(this, reason);
        } catch (RuntimeException e) {
            worker.count(WorkerCounter.RECEIVER_ERRORS);
        }
    }

    @Override
    public String toString() {
        return "WorkerTransport[" + id + "]";
    }
}
