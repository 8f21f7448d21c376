package se.vardmote.media.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * The one transport test double: a {@link WebRtcTransport} with no network, for the router's, the mixer's and
 * signalling's tests. What it is sent is kept, copied or released ({@link Sent}); its buffers come from the
 * pooled allocator so that paranoid leak detection sees them, and {@link #leakedBuffers()} counts the ones
 * it handed out that are still referenced. Its ICE and DTLS parameters are well-formed enough for an SDP
 * answer. Sending and allocating must happen on its event loop (it asserts so, as a real transport's loop
 * would); {@link #close()} tells the receiver once, on the loop.
 */
public class FakeTransport implements WebRtcTransport {

    /** What becomes of the packets it is sent. */
    public enum Sent {
        /** Kept in {@link #sentRtp} and {@link #sentRtcp}, still owned: {@link #clearSent()} releases them. */
        KEEP,
        /** RTP copied into {@link #sentRtpCopies} (readable from any thread), every packet released at once. */
        COPY,
        /** Released at once. */
        RELEASE
    }

    private static final AtomicInteger IDS = new AtomicInteger();

    public final String id;
    public final EventLoop loop;
    public final RtpReceiver receiver;
    private volatile Sent sent = Sent.KEEP;
    /** What {@link #isConnected()} answers; tests flip it. */
    public volatile boolean connected = true;
    /** How often {@link #close()} was called. */
    public volatile int closeCount;
    /** The ICE ufrag {@link #setRemoteParameters} was given, or null. */
    public volatile String remoteUfrag;
    public final List<ByteBuf> sentRtp = new ArrayList<>();
    public final List<ByteBuf> sentRtcp = new ArrayList<>();
    public final List<byte[]> sentRtpCopies = new CopyOnWriteArrayList<>();
    private final List<ByteBuf> allocated = new ArrayList<>();
    /** When set, one buffer is handed out again and again and sent packets are released at once. */
    private ByteBuf recycled;

    public FakeTransport(String id, EventLoop loop, RtpReceiver receiver) {
        this.id = id;
        this.loop = loop;
        this.receiver = receiver;
    }

    /** A transport with a fresh id ({@code t1}, {@code t2}, ...). */
    public FakeTransport(EventLoop loop, RtpReceiver receiver) {
        this("t" + IDS.incrementAndGet(), loop, receiver);
    }

    /** Sets what becomes of sent packets; returns this. */
    public FakeTransport sent(Sent mode) {
        this.sent = mode;
        return this;
    }

    /** Sets {@link #connected}; returns this. */
    public FakeTransport connected(boolean value) {
        this.connected = value;
        return this;
    }

    /** Switches to handing out one buffer over and over (for measuring the router's own allocations). */
    public void recycleOneBuffer() {
        // Unpooled heap buffers are not wrapped by the leak detector, whose paranoid records would dominate.
        recycled = Unpooled.buffer(2048);
        allocated.add(recycled);
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
    @Override public void setRemoteParameters(String ufrag, String pwd, String hash, String fingerprint) {
        remoteUfrag = ufrag;
    }
    /** What {@link #numberPackets} was given (0 and null while never called), and the last downlink estimate. */
    public volatile int numberedExtensionId;
    public volatile se.vardmote.media.bwe.SendHistory numberedInto;
    public volatile long downlinkEstimate;

    @Override
    public void numberPackets(int extensionId, se.vardmote.media.bwe.SendHistory history) {
        numberedExtensionId = extensionId;
        numberedInto = history;
    }

    @Override
    public void setDownlinkEstimate(long bitsPerSecond) {
        downlinkEstimate = bitsPerSecond;
    }

    @Override public boolean isConnected() { return connected; }
    @Override public EventLoop eventLoop() { return loop; }

    @Override
    public void sendRtp(ByteBuf packet) {
        assertOnLoop();
        if (packet == recycled || sent == Sent.RELEASE) {
            packet.release();
        } else if (sent == Sent.COPY) {
            byte[] copy = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), copy);
            sentRtpCopies.add(copy);
            packet.release();
        } else {
            sentRtp.add(packet);
        }
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        assertOnLoop();
        if (sent == Sent.KEEP) {
            sentRtcp.add(packet);
        } else {
            packet.release();
        }
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

    /** Tells the receiver on the first call: at once on the loop, else as a task on it. */
    @Override
    public void close() {
        if (++closeCount != 1) {
            return;
        }
        if (loop.inEventLoop()) {
            receiver.onClosed(this, "closed by test");
        } else {
            loop.execute(() -> receiver.onClosed(this, "closed by test"));
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closeCount > 0;
    }

    private void assertOnLoop() {
        if (!loop.inEventLoop()) {
            throw new AssertionError("called off the event loop");
        }
    }

    /** Releases and forgets what {@link Sent#KEEP} kept. */
    public void clearSent() {
        sentRtp.forEach(ByteBuf::release);
        sentRtcp.forEach(ByteBuf::release);
        sentRtp.clear();
        sentRtcp.clear();
    }

    /** {@link #clearSent()}, and the recycled buffer too. */
    public void releaseAll() {
        clearSent();
        if (recycled != null) {
            recycled.release();
            recycled = null;
        }
    }

    /** Forgets the allocations already released (keeps a long fuzzing run from growing the list). */
    public void forgetReleased() {
        allocated.removeIf(b -> b.refCnt() == 0);
    }

    /** Buffers it handed out that are still referenced. */
    public long leakedBuffers() {
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }
}
