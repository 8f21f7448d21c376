package se.vardmote.media.mixer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * A connected transport with no network: what the router sends through it is copied into {@link #sentRtp} and
 * released at once, so no buffer outlives the call. Test fixture (mirrors the router tests' FakeTransport).
 */
final class RecordingTransport implements WebRtcTransport {

    final String id;
    final EventLoop loop;
    final RtpReceiver receiver;
    final List<byte[]> sentRtp = new CopyOnWriteArrayList<>();

    RecordingTransport(String id, EventLoop loop, RtpReceiver receiver) {
        this.id = id;
        this.loop = loop;
        this.receiver = receiver;
    }

    @Override public String id() { return id; }
    @Override public String localUfrag() { return "u" + id; }
    @Override public String localPassword() { return "p" + id; }
    @Override public List<IceCandidate> localCandidates() { return List.of(); }
    @Override public String localFingerprint() { return "00"; }
    @Override public void setRemoteParameters(String u, String p, String h, String f) { }
    @Override public boolean isConnected() { return true; }
    @Override public EventLoop eventLoop() { return loop; }

    @Override
    public void sendRtp(ByteBuf packet) {
        byte[] copy = new byte[packet.readableBytes()];
        packet.getBytes(packet.readerIndex(), copy);
        sentRtp.add(copy);
        packet.release();
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        packet.release();
    }

    @Override
    public ByteBuf allocatePacket(int length) {
        return PooledByteBufAllocator.DEFAULT.heapBuffer(length + 16);
    }

    @Override
    public void close() {
        receiver.onClosed(this, "closed by test");
    }
}
