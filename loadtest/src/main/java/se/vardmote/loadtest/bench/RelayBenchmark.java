package se.vardmote.loadtest.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import se.vardmote.media.MediaKind;
import se.vardmote.media.net.UdpIo;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;
import se.vardmote.media.router.SubscriberParameters;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;
import se.vardmote.media.srtp.SrtpSession;
import se.vardmote.media.transport.DatagramWriter;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * Relaying one video packet to N subscribers through the real {@link Router}: the ingress copy (direct
 * datagram to pooled heap buffer, as MediaWorker does), SRTP unprotect once, rewrite per subscriber (SSRC,
 * payload type, sequence number, timestamp, header extensions remapped), SRTP protect N times, and either
 * drop the protected packets ({@code DISCARD}: crypto and routing only) or write them through the
 * production {@link DatagramWriter} to a real UDP socket on 127.0.0.1 whose receiver drains on its own
 * thread ({@code LOOPBACK}: adds Netty's write path and the kernel's sendto/sendmmsg).
 *
 * <p>Everything runs on one real Netty event loop (epoll where available), as in the server: the benchmark
 * thread hands the loop a batch of {@value #BATCH} packets per invocation (one wake-up per batch, no
 * allocation) and parks until it is done. {@code flushEvery} = 1 flushes per packet (one sendto each, the
 * server before this benchmark existed); 16 flushes per 16 ingress packets (a read burst; one sendmmsg).
 *
 * <p>Each op also SRTP-protects the incoming packet as the browser would (one protect, the cost of which
 * {@link SrtpBenchmark} gives separately). Score = ns per ingress packet; divide by N for per egress packet.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RelayBenchmark {

    static final int BATCH = 256;
    static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final int PUBLISHER_SSRC = 0x0BADCAFE;

    /** Where protected packets go. */
    public enum Sink { DISCARD, LOOPBACK }

    @Param({"1", "3", "7", "15"})
    public int subscribers;

    @Param({"DISCARD", "LOOPBACK"})
    public Sink sink;

    @Param({"1", "16"})
    public int flushEvery;

    /** How datagrams are written: the production writer, or as before it (for the before/after). */
    public enum WritePath { WRITER, LEGACY }

    @Param({"WRITER"})
    public WritePath writePath;

    /**
     * UDP GSO in the writer. Off by default: each subscriber gets one packet per ingress packet here, so with
     * GSO a flush of 16 would leave as one 16-segment send per subscriber — the best case, not a browser's
     * burst (the load tester shows ≈ 4 segments per send).
     */
    @Param({"false"})
    public boolean gso;

    @Param({"AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    @Param({"1200"})
    public int packetBytes;

    @Param({"OPENSSL"})
    public CipherProvider provider;

    private EventLoopGroup group;
    private EventLoopGroup receiverGroup;
    private EventLoop loop;
    private Channel sender;
    private Channel receiverChannel;
    private DatagramWriter writer;
    private Router router;
    private final List<BenchTransport> transports = new ArrayList<>();
    private BenchTransport publisher;
    private SrtpSession browser;
    private ByteBuf wire;
    private byte[] payload;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Batch batch = new Batch();
    private volatile long received;
    private int sequence;
    private long iterationBytes;
    private long iterationPackets;
    private long iterationCpuNanos;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        provider.force();
        UdpIo io = UdpIo.best();
        group = io.newGroup(1, new DefaultThreadFactory("bench-relay"));
        loop = (EventLoop) group.next();
        InetAddress localhost = InetAddress.getByName("127.0.0.1");
        if (sink == Sink.LOOPBACK) {
            receiverGroup = io.newGroup(1, new DefaultThreadFactory("bench-receiver"));
            receiverChannel = new Bootstrap().group(receiverGroup).channel(io.channelClass())
                    .option(ChannelOption.SO_RCVBUF, 8 << 20)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                    .handler(new Drain())
                    .bind(new InetSocketAddress(localhost, 0)).sync().channel();
            // As MediaWorker.bind: pooled allocator, 1 MiB send buffer
            Bootstrap b = new Bootstrap().group(loop).channel(io.channelClass())
                    .option(ChannelOption.SO_SNDBUF, 1 << 20)
                    .handler(new ChannelInboundHandlerAdapter());
            if (writePath == WritePath.WRITER) b.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
            sender = b
                    .bind(new InetSocketAddress(localhost, 0)).sync().channel();
            writer = new DatagramWriter(sender, gso);
        }
        InetSocketAddress to = receiverChannel == null ? null : (InetSocketAddress) receiverChannel.localAddress();

        router = new Router(loop, receiver -> {
            BenchTransport t = new BenchTransport(loop, receiver, alloc);
            transports.add(t);
            return t;
        });
        SrtpKeyMaterial publisherKeys = randomKeys();
        browser = new SrtpSession(publisherKeys, false);
        publisher = (BenchTransport) router.createTransport();
        publisher.connect(new SrtpSession(publisherKeys, true), null, null, false);
        PublishedStream stream = router.publish(publisher, new StreamDescription(MediaKind.VIDEO, PUBLISHER_SSRC,
                "1", new RtpCodec("VP8", 90_000, 1, 96), Map.of(MID, 4, ABS_SEND_TIME, 2, TRANSPORT_CC, 3)));
        for (int i = 0; i < subscribers; i++) {
            BenchTransport t = (BenchTransport) router.createTransport();
            t.connect(new SrtpSession(randomKeys(), true), writer, to, writePath == WritePath.LEGACY);
            router.subscribe(t, stream, new SubscriberParameters(0x1000 + i, 98, Map.of(ABS_SEND_TIME, 5, TRANSPORT_CC, 6)));
        }
        loop.submit(() -> { }).sync();
        if (router.subscriptionCount() != subscribers) throw new IllegalStateException("subscriptions missing");

        payload = new byte[packetBytes - 12 - 16];
        new SecureRandom().nextBytes(payload);
        // A VP8 payload descriptor as Chromium writes it (X, S; I, L, T; 15-bit picture id; TL0PICIDX; TID): the
        // router reads it per packet and rewrites the ids per subscriber.
        byte[] descriptor = {(byte) 0x90, (byte) 0xE0, (byte) 0x81, 0x23, 0x07, 0x20, 0x11};
        System.arraycopy(descriptor, 0, payload, 0, descriptor.length);
        wire = alloc.directBuffer(packetBytes + 32);
        batch.waiter = Thread.currentThread();
    }

    private SrtpKeyMaterial randomKeys() {
        byte[] material = new byte[profile.keyingMaterialLength()];
        new SecureRandom().nextBytes(material);
        return SrtpKeyMaterial.fromExporter(profile, material);
    }

    /** Bytes the event-loop thread allocated, read on the loop (the receiver thread's are not counted). */
    private long[] loopAllocatedBytesAndPackets() throws Exception {
        return loop.submit(() -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            return new long[] {threads.getCurrentThreadAllocatedBytes(), sequence, threads.getCurrentThreadCpuTime()};
        }).get();
    }

    @Setup(Level.Iteration)
    public void startIteration() throws Exception {
        long[] now = loopAllocatedBytesAndPackets();
        iterationBytes = now[0];
        iterationPackets = now[1];
        iterationCpuNanos = now[2];
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws Exception {
        long[] now = loopAllocatedBytesAndPackets();
        long bytes = now[0] - iterationBytes;
        long packets = now[1] - iterationPackets;
        long cpu = now[2] - iterationCpuNanos;
        // CPU time (user + system: the kernel's sendto/sendmmsg work is charged to the loop thread) is far
        // less disturbed than wall time when other processes share the cores.
        System.out.printf(" [loop thread: %.1f B per ingress packet, %.0f ns CPU per ingress packet]",
                packets == 0 ? 0.0 : (double) bytes / packets, packets == 0 ? 0.0 : (double) cpu / packets);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        long forwarded = router.counters().get("rtp.forwarded");
        long sent = 0;
        long failures = 0;
        for (BenchTransport t : transports) {
            sent += t.sent;
            failures += t.failures;
        }
        router.close();
        if (sender != null) sender.close().sync();
        loop.submit(() -> wire.release()).sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (receiverGroup != null) {
            Thread.sleep(200);
            receiverChannel.close().sync();
            receiverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        System.out.printf("%n[relay] forwarded=%d protected=%d failures=%d received-on-loopback=%d%n",
                forwarded, sent, failures, received);
        if (failures > 0 || forwarded == 0) throw new IllegalStateException("the relay did not work");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void relay() {
        batch.thread = Thread.currentThread();
        batch.done = false;
        loop.execute(batch);
        while (!batch.done) {
            LockSupport.park(this);
        }
    }

    /** One incoming packet, start to end, on the loop. */
    private void relayOne() {
        int seq = sequence++;
        // The browser's packet: one-byte extensions mid, abs-send-time, transport-cc (RFC 8285 §4.2)
        ByteBuf plain = alloc.heapBuffer(packetBytes + 32);
        plain.writeByte(0x90).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(PUBLISHER_SSRC);
        plain.writeShort(0xBEDE).writeShort(3);
        plain.writeByte(0x40).writeByte('1');
        plain.writeByte(0x22).writeMedium(seq * 7);
        plain.writeByte(0x31).writeShort(seq);
        plain.writeZero(3);
        plain.writeBytes(payload);
        if (!browser.protectRtp(plain)) throw new IllegalStateException("browser protect failed");
        // The server: MediaWorker copies the (direct) datagram into a pooled heap buffer, then unprotects
        ByteBuf w = wire.clear().writeBytes(plain);
        plain.release();
        ByteBuf heap = alloc.heapBuffer(w.readableBytes());
        heap.writeBytes(w, w.readerIndex(), w.readableBytes());
        publisher.receive(heap);
    }

    /** A batch of packets on the loop; reused, so handing it over allocates nothing. */
    private final class Batch implements Runnable {
        volatile boolean done;
        volatile Thread thread;
        Thread waiter;

        @Override
        public void run() {
            int every = flushEvery;
            boolean batching = every > 1 && writer != null;
            for (int i = 0; i < BATCH; i++) {
                if (batching && i % every == 0) writer.beginBatch();
                relayOne();
                if (batching && (i % every == every - 1 || i == BATCH - 1)) writer.endBatch();
            }
            done = true;
            LockSupport.unpark(thread);
        }
    }

    /** Drains the receiving socket on its own loop and counts datagrams. */
    private final class Drain extends ChannelInboundHandlerAdapter {
        private long count;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            count++;
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            received = count;
        }
    }
}
