package se.vardmote.loadtest.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.srtp.SrtpSession;
import se.vardmote.media.transport.DatagramWriter;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * A {@link WebRtcTransport} for the relay benchmark: connected from the start, with a real {@link SrtpSession}
 * in the server role, that does what the production transport does per packet — unprotect what arrives and
 * hand it to the router; protect what the router sends in place and write it — minus ICE and DTLS.
 * Its writes go to a {@link DatagramWriter} on a real UDP socket, or are dropped after protection when
 * {@code writer} is null (the "discarding channel"). Owned by the router's event loop.
 */
final class BenchTransport implements WebRtcTransport {

    /** As WorkerTransport: room after the plaintext for the SRTP tag or the SRTCP index and tag. */
    private static final int TRAILER_ROOM = 32;

    private final EventLoop loop;
    private final RtpReceiver receiver;
    private final ByteBufAllocator alloc;
    private SrtpSession srtp;
    private DatagramWriter writer;
    private InetSocketAddress remote;
    /** Write as the server did before DatagramWriter: writeAndFlush of the heap buffer, Netty copies. */
    private boolean legacy;
    long sent;
    long failures;

    BenchTransport(EventLoop loop, RtpReceiver receiver, ByteBufAllocator alloc) {
        this.loop = loop;
        this.receiver = receiver;
        this.alloc = alloc;
    }

    /** Connects: SRTP session, and where packets go (writer null = discard after protecting). */
    void connect(SrtpSession srtp, DatagramWriter writer, InetSocketAddress remote, boolean legacy) {
        this.legacy = legacy;
        this.srtp = srtp;
        this.writer = writer;
        this.remote = remote;
    }

    /** As WorkerTransport.onSrtp: unprotects in place and hands the packet to the router. Takes ownership. */
    void receive(ByteBuf packet) {
        try {
            if (!srtp.unprotectRtp(packet)) {
                failures++;
                return;
            }
            receiver.onRtp(this, packet);
        } finally {
            packet.release();
        }
    }

    private se.vardmote.media.transport.TransportWideSequencer sequencer;

    @Override public String id() { return "bench"; }
    @Override public String localUfrag() { return "bench"; }
    @Override public String localPassword() { return "bench-password-0123456789"; }
    @Override public List<IceCandidate> localCandidates() { return List.of(); }
    @Override public String localFingerprint() { return "00"; }
    @Override public void setRemoteParameters(String u, String p, String h, String f) { }
    @Override public boolean isConnected() { return srtp != null; }
    @Override public EventLoop eventLoop() { return loop; }
    @Override public void close() { }

    @Override
    public void sendRtp(ByteBuf packet) {
        send(packet, false);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        send(packet, true);
    }

    /** As WorkerTransport: packets to a subscriber that reports transport-cc are numbered as they leave. */
    @Override
    public void numberPackets(int extensionId, se.vardmote.media.bwe.SendHistory history) {
        sequencer = new se.vardmote.media.transport.TransportWideSequencer(extensionId, history);
    }

    private void send(ByteBuf packet, boolean rtcp) {
        if (!rtcp && sequencer != null) {
            sequencer.stamp(packet, System.nanoTime());
        }
        boolean ok = rtcp ? srtp.protectRtcp(packet) : srtp.protectRtp(packet);
        if (!ok) {
            failures++;
            packet.release();
            return;
        }
        sent++;
        if (writer == null) {
            packet.release();
        } else if (legacy) {
            io.netty.channel.Channel ch = writer.channel();
            ch.writeAndFlush(new io.netty.channel.socket.DatagramPacket(packet, remote), ch.voidPromise());
        } else {
            writer.write(packet, remote);
        }
    }

    @Override
    public ByteBuf allocatePacket(int length) {
        return alloc.heapBuffer(length + TRAILER_ROOM);
    }
}
