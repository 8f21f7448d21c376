package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.List;
import se.vardmote.media.IceCandidate;

/**
 * The stand-in publisher transport of a stream produced inside the server ({@link Router#publishLocal}: a
 * phone caller's voice, encoded by the mixer). Its packets come from {@link Router#injectLocal}; what the
 * router would send back to a publisher (keyframe requests, NACKs) has nowhere to go and is released.
 * Always "connected"; no ICE, DTLS or address. Touched on the router's loop.
 */
final class LocalTransport implements se.vardmote.media.transport.WebRtcTransport {

    private final String id;
    private final EventLoop loop;
    private volatile boolean closed;

    LocalTransport(String id, EventLoop loop) {
        this.id = id;
        this.loop = loop;
    }

    @Override public String id() { return id; }
    @Override public String localUfrag() { return ""; }
    @Override public String localPassword() { return ""; }
    @Override public List<IceCandidate> localCandidates() { return List.of(); }
    @Override public String localFingerprint() { return ""; }
    @Override public void setRemoteParameters(String u, String p, String h, String f) { }
    @Override public boolean isConnected() { return !closed; }
    @Override public EventLoop eventLoop() { return loop; }

    /** Nothing listens upstream of a local stream. Takes ownership and releases. */
    @Override public void sendRtp(ByteBuf packet) { packet.release(); }

    @Override public void sendRtcp(ByteBuf packet) { packet.release(); }

    @Override
    public ByteBuf allocatePacket(int length) {
        return PooledByteBufAllocator.DEFAULT.heapBuffer(length);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "LocalTransport[" + id + "]";
    }
}
