package se.vardmote.signalling.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/** A transport that never touches the network: enough for signalling tests. */
public final class FakeTransport implements WebRtcTransport {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final String id = "t" + IDS.incrementAndGet();
    private final EventLoop loop;
    private final RtpReceiver receiver;
    volatile String remoteUfrag;
    volatile boolean closed;

    public FakeTransport(EventLoop loop, RtpReceiver receiver) {
        this.loop = loop;
        this.receiver = receiver;
    }

    @Override public String id() { return id; }
    @Override public String localUfrag() { return "uf" + id; }
    @Override public String localPassword() { return "passwordpasswordpassword"; }
    @Override public List<IceCandidate> localCandidates() {
        return List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 10000));
    }
    @Override public String localFingerprint() {
        return "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    }
    @Override public void setRemoteParameters(String ufrag, String pwd, String hash, String fingerprint) { remoteUfrag = ufrag; }
    @Override public boolean isConnected() { return false; }
    @Override public void sendRtp(ByteBuf packet) { packet.release(); }
    @Override public void sendRtcp(ByteBuf packet) { packet.release(); }
    @Override public ByteBuf allocatePacket(int length) { return PooledByteBufAllocator.DEFAULT.heapBuffer(length + 32); }
    @Override public EventLoop eventLoop() { return loop; }
    /** For tests in other packages. */
    public boolean isClosedForTest() { return closed; }
    public String remoteUfragForTest() { return remoteUfrag; }
    @Override public void close() {
        if (closed) return;
        closed = true;
        loop.execute(() -> receiver.onClosed(this, "closed"));
    }
}
