package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * A transport that records what the router sends through it. Buffers come from the pooled allocator so
 * that paranoid leak detection sees them; {@link #releaseAll()} frees what was recorded and
 * {@link #leakedBuffers()} counts allocations still referenced. Touched on the router's loop.
 */
final class FakeTransport implements WebRtcTransport {

    final String id;
    final EventLoop loop;
    final RtpReceiver receiver;
    volatile boolean connected = true;
    volatile int closeCount;
    final List<ByteBuf> sentRtp = new ArrayList<>();
    final List<ByteBuf> sentRtcp = new ArrayList<>();
    private final List<ByteBuf> allocated = new ArrayList<>();
    /** When set, one buffer is handed out again and again and sent packets are released at once. */
    private ByteBuf recycled;

    /** Switches to handing out one buffer over and over (for measuring the router's own allocations). */
    void recycleOneBuffer() {
        // Unpooled heap buffers are not wrapped by the leak detector, whose paranoid records would dominate.
        recycled = io.netty.buffer.Unpooled.buffer(2048);
        allocated.add(recycled);
    }

    FakeTransport(String id, EventLoop loop, RtpReceiver receiver) {
        this.id = id;
        this.loop = loop;
        this.receiver = receiver;
    }

    @Override public String id() { return id; }
    @Override public String localUfrag() { return "ufrag" + id; }
    @Override public String localPassword() { return "password-" + id; }
    @Override public List<IceCandidate> localCandidates() { return List.of(); }
    @Override public String localFingerprint() { return "00"; }
    @Override public void setRemoteParameters(String u, String p, String h, String f) { }
    @Override public boolean isConnected() { return connected; }
    @Override public EventLoop eventLoop() { return loop; }

    @Override
    public void sendRtp(ByteBuf packet) {
        assertOnLoop();
        if (packet == recycled) {
            packet.release();
            return;
        }
        sentRtp.add(packet);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        assertOnLoop();
        sentRtcp.add(packet);
    }

    @Override
    public ByteBuf allocatePacket(int length) {
        assertOnLoop();
        if (recycled != null) {
            recycled.clear();
            return recycled.retain();
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(length + 16);
        allocated.add(buf);
        return buf;
    }

    @Override
    public void close() {
        closeCount++;
        if (closeCount == 1) {
            receiver.onClosed(this, "closed by test");
        }
    }

    private void assertOnLoop() {
        if (!loop.inEventLoop()) {
            throw new AssertionError("called off the event loop");
        }
    }

    void clearSent() {
        sentRtp.forEach(ByteBuf::release);
        sentRtcp.forEach(ByteBuf::release);
        sentRtp.clear();
        sentRtcp.clear();
    }

    void releaseAll() {
        clearSent();
        if (recycled != null) {
            recycled.release();
            recycled = null;
        }
    }

    /** Forgets the allocations already released (keeps a long fuzzing run from growing the list). */
    void forgetReleased() {
        allocated.removeIf(b -> b.refCnt() == 0);
    }

    long leakedBuffers() {
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }
}
