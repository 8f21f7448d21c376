package se.vardmote.loadtest.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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
import se.vardmote.media.net.UdpIo;

/**
 * The kernel's cost of sending a 1216-byte datagram (an SRTP video packet) to 127.0.0.1 from a Netty epoll
 * channel, by how many datagrams go in one UDP GSO send: {@code segments} = 1 is a plain datagram (64 of
 * them in one {@code sendmmsg}), 2…16 are runs of that many equal datagrams to one address with
 * {@code UDP_SEGMENT} — what {@code DatagramWriter} makes of a video frame's packets to one subscriber.
 *
 * <p>Score = ns per datagram (64 per invocation) of wall time, and the sending loop thread's CPU time per
 * datagram printed per iteration. Another event loop drains the receiving socket (on loopback the kernel
 * delivers into it in the sender's context, so the receive side's kernel work is in the figure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class UdpSendBenchmark {

    static final int DATAGRAMS = 64;
    static final int SIZE = 1216;

    @Param({"1", "2", "4", "8", "16"})
    public int segments;

    private EventLoopGroup senderGroup;
    private EventLoopGroup receiverGroup;
    private EventLoop loop;
    private Channel sender;
    private Channel receiver;
    private InetSocketAddress to;
    private Runnable burst;
    private long cpuAtStart;
    private long datagramsAtStart;
    private long datagramsSent;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        UdpIo io = UdpIo.best();
        if (!io.name().equals("epoll")) throw new IllegalStateException("UDP GSO needs the native epoll transport");
        InetAddress localhost = InetAddress.getByName("127.0.0.1");
        receiverGroup = io.newGroup(1, new DefaultThreadFactory("bench-udp-receiver"));
        receiver = io.receiveInBatches(new Bootstrap().group(receiverGroup).channel(io.channelClass()), 2048, 16)
                .option(ChannelOption.SO_RCVBUF, 8 << 20)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .bind(new InetSocketAddress(localhost, 0)).sync().channel();
        to = (InetSocketAddress) receiver.localAddress();
        senderGroup = io.newGroup(1, new DefaultThreadFactory("bench-udp-sender"));
        loop = (EventLoop) senderGroup.next();
        sender = new Bootstrap().group(loop).channel(io.channelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(localhost, 0)).sync().channel();
        burst = () -> {
            for (int i = 0; i < DATAGRAMS; i += segments) {
                ByteBuf b = sender.alloc().directBuffer(SIZE * segments);
                b.writerIndex(SIZE * segments);
                sender.write(segments == 1 ? new DatagramPacket(b, to) : new SegmentedDatagramPacket(b, SIZE, to),
                        sender.voidPromise());
            }
            sender.flush();
            datagramsSent += DATAGRAMS;
        };
    }

    @Setup(Level.Iteration)
    public void startIteration() throws Exception {
        long[] now = loop.submit(() -> new long[] {cpu(), datagramsSent}).get();
        cpuAtStart = now[0];
        datagramsAtStart = now[1];
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws Exception {
        long[] now = loop.submit(() -> new long[] {cpu(), datagramsSent}).get();
        long datagrams = now[1] - datagramsAtStart;
        if (datagrams > 0) {
            System.out.printf("%n[udp-send] sender loop thread: %.0f ns CPU per datagram (segments=%d)%n",
                    (now[0] - cpuAtStart) / (double) datagrams, segments);
        }
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        sender.close().sync();
        receiver.close().sync();
        senderGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        receiverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public void send() throws Exception {
        loop.submit(burst).sync();
    }
}
