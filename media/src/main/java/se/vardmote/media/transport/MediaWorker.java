package se.vardmote.media.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.HandshakePool;
import se.vardmote.media.ice.IceLiteAgent;
import se.vardmote.media.ice.StunMessage;
import se.vardmote.media.net.AllowedNetworks;
import se.vardmote.media.net.PacketKind;
import se.vardmote.media.net.UdpIo;

/**
 * One media event loop with its own UDP socket (port). Owns the transports created on it and
 * demultiplexes datagrams to them. Rooms are pinned to one worker so that receive, decrypt, route,
 * encrypt and send all happen on the thread that read the packet.
 *
 * <p>Demultiplexing (RFC 7983) happens on the loop: the source must be in the allowed networks, then the
 * first byte says STUN (answered here, ICE-lite), DTLS or SRTP/SRTCP (handed to the transport that owns
 * the source address; STUN by {@link StunResponder}). Every drop is counted, nothing is logged per packet.
 *
 * <p>With ICE-TCP on, the worker also listens on a TCP port (RFC 6544 passive candidates, {@link IceTcpListener})
 * whose connections live on the same loop ({@link TcpMediaLink}); their RFC 4571 frames go through the same demultiplexing,
 * and what a transport sends goes back over the connection its selected address names.
 *
 * <p>Threads: {@link #createTransport}, {@link #eventLoop}, {@link #port}, {@link #transportCount},
 * {@link #routerCount}, {@link #routerCreated} and {@link #counters} are safe from any thread; everything else
 * runs on {@link #eventLoop()}.
 */
public final class MediaWorker implements TransportFactory {

    private static final System.Logger LOG = System.getLogger(MediaWorker.class.getName());

    /** A receive buffer of 2048 bytes: a 1200-byte DTLS fragment or a 1500-byte datagram is never cut. */
    static final int RECEIVE_BUFFER_BYTES = 2048;

    /** The media socket's receive buffer asked for. */
    static final int SOCKET_RECEIVE_BUFFER = 4 << 20;

    /** Datagrams read per {@code recvmmsg} call at most (epoll). */
    static final int RECEIVE_BATCH = 16;

    /** ICE-TCP connections open at once per worker, bound or not; more are refused (counted). */
    static final int MAX_TCP_LINKS = 1024;

    private final int index;
    private final EventLoop loop;
    private final MediaConfig config;
    private final DtlsCertificate certificate;
    private final HandshakePool handshakes;
    private final AllowedNetworks allowedNetworks;
    private final SecureRandom random = new SecureRandom();
    private final long consentTimeoutNanos;
    private final PacingTimer pacing;

    // Loop-only state
    private final long[] counts = new long[WorkerCounter.values().length];
    private final HashMap<InetSocketAddress, WorkerTransport> byAddress = new HashMap<>();
    private final StunResponder stun = new StunResponder(this);
    private ScheduledFuture<?> consentTask;

    // Any thread: the ufrag is known before the transport's first packet, possibly before the loop runs it
    private final ConcurrentHashMap<String, WorkerTransport> byUfrag = new ConcurrentHashMap<>();
    private volatile Channel channel;
    private volatile DatagramWriter writer;
    private volatile int port;
    private final IceTcpListener tcp = new IceTcpListener(this);
    private volatile long loopThreadId = -1;
    /** Whether each router placed here has closed; a closed one drops out when next counted. */
    private final Set<BooleanSupplier> routers = ConcurrentHashMap.newKeySet();

    /** A worker on {@code loop}; {@link #bind} opens its socket. */
    public MediaWorker(int index, EventLoop loop, MediaConfig config, DtlsCertificate certificate,
                       HandshakePool handshakes) {
        this.index = index;
        this.loop = loop;
        this.config = config;
        this.certificate = certificate;
        this.handshakes = handshakes;
        this.allowedNetworks = new AllowedNetworks(config.allowedNetworks());
        this.consentTimeoutNanos = config.consentTimeout().toNanos();
        this.pacing = new PacingTimer(loop);
    }

    /** Binds {@code bindAddress:firstPort+index} (port 0 = ephemeral) on this worker's loop. Blocks. */
    public void bind(UdpIo io) throws InterruptedException {
        int wanted = config.firstPort() == 0 ? 0 : config.firstPort() + index;
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(io.channelClass());
        // recvmmsg: one syscall for up to RECEIVE_BATCH datagrams waiting in the socket (docs/performance.md)
        Channel ch = io.receiveInBatches(bootstrap, RECEIVE_BUFFER_BYTES, RECEIVE_BATCH)
                // The pooled allocator's thread caches make the per-packet buffers free of garbage; Netty 4.2's
                // default (adaptive) allocator makes NIO views on each copy (docs/performance.md)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // All the rooms' ingress waits here while the loop is busy or descheduled: 4 MiB hold tens of
                // milliseconds of a busy worker's ingress (capped at net.core.rmem_max; see docs/operations.md)
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(new Inbound())
                .bind(new InetSocketAddress(config.bindAddress(), wanted))
                .sync()
                .channel();
        this.loopThreadId = loop.submit(() -> Thread.currentThread().getId()).sync().getNow();
        this.writer = new DatagramWriter(ch, config.udpGso());
        this.channel = ch;
        this.port = ((InetSocketAddress) ch.localAddress()).getPort();
        if (config.tcpEnabled()) tcp.bind(io, loop, config, index);
        long periodMillis = Math.max(50, Math.min(1000, config.consentTimeout().toMillis() / 2));
        // One periodic task per worker rather than a timer per transport or per packet (RFC 7675 §5.1)
        consentTask = loop.scheduleAtFixedRate(this::expireConsent, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public WebRtcTransport createTransport(RtpReceiver receiver) {
        String ufrag;
        WorkerTransport transport;
        do {
            ufrag = IceLiteAgent.randomUfrag(random);
            transport = new WorkerTransport(this, ufrag, IceLiteAgent.randomPassword(random), receiver,
                    System.nanoTime());
        } while (byUfrag.putIfAbsent(ufrag, transport) != null);
        if (loop.inEventLoop()) count(WorkerCounter.TRANSPORTS_CREATED);
        else loop.execute(() -> count(WorkerCounter.TRANSPORTS_CREATED));
        return transport;
    }

    /** The loop that owns this worker's socket, transports and routers. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** The UDP port actually bound. Any thread. */
    public int port() {
        return port;
    }

    /** The ICE-TCP port actually bound, or -1 when ICE-TCP is off. Any thread. */
    public int tcpPort() {
        return tcp.port();
    }

    /** Whether the worker's sockets are open (UDP, and the ICE-TCP listener when it has one). Any thread. */
    public boolean isServing() {
        Channel ch = channel;
        return ch != null && ch.isActive() && (!config.tcpEnabled() || tcp.isActive());
    }

    /** Open ICE-TCP connections. Any thread. */
    public int tcpLinkCount() {
        return tcp.linkCount();
    }

    public int index() {
        return index;
    }

    /** Live transports. Any thread. */
    public int transportCount() {
        return byUfrag.size();
    }

    /** Live routers on this worker: placed and not yet closed (for least-loaded placement). */
    public int routerCount() {
        routers.removeIf(BooleanSupplier::getAsBoolean);
        return routers.size();
    }

    /**
     * Called by MediaEngine when it places a router here; {@code closed} answers the router's {@code isClosed}.
     * Closed ones are dropped here too: with one worker nothing else ever counts them (the least of one is
     * found without comparing), and each kept its closed router, flyweights and all, for the process's life.
     */
    public void routerCreated(BooleanSupplier closed) {
        routers.removeIf(BooleanSupplier::getAsBoolean);
        routers.add(closed);
    }

    /** Routers this worker still tracks, closed ones not yet dropped included (tests). */
    int trackedRouters() {
        return routers.size();
    }

    /**
     * Counters by name. Any thread: off the loop it asks the loop for a consistent copy (waits at most 1 s,
     * then reads the plain fields as they are).
     */
    public Map<String, Long> counters() {
        long[] snapshot;
        if (loop.inEventLoop()) {
            snapshot = snapshotOnLoop();
        } else if (loop.isShuttingDown()) {
            snapshot = counts.clone();
        } else {
            try {
                snapshot = loop.submit(this::snapshotOnLoop).get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                snapshot = counts.clone();
            }
        }
        snapshot[WorkerCounter.LOOP_ALLOCATED_BYTES.ordinal()] = LoopThreadUsage.allocatedBytes(loopThreadId);
        snapshot[WorkerCounter.LOOP_CPU_NANOS.ordinal()] = LoopThreadUsage.cpuNanos(loopThreadId);
        Map<String, Long> out = new LinkedHashMap<>();
        for (WorkerCounter c : WorkerCounter.values()) out.put(c.counterName, snapshot[c.ordinal()]);
        return out;
    }

    private long[] snapshotOnLoop() {
        DatagramWriter w = writer;
        if (w != null) {
            counts[WorkerCounter.OUT_GSO_SENDS.ordinal()] = w.gsoSends();
            counts[WorkerCounter.OUT_GSO_DATAGRAMS.ordinal()] = w.gsoSegments();
        }
        return counts.clone();
    }

    /** Closes every transport and the socket. Any thread; returns when the loop has done it (or is gone). */
    public void close() {
        Runnable shutdown = () -> {
            if (consentTask != null) consentTask.cancel(false);
            pacing.stop();
            for (WorkerTransport t : new ArrayList<>(byUfrag.values())) t.closeOnLoop("media_engine_closed");
            Channel ch = channel;
            if (ch != null) ch.close();
            tcp.close();
        };
        if (loop.inEventLoop()) {
            shutdown.run();
        } else {
            try {
                loop.submit(shutdown).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // the loop is already gone
            }
        }
    }

    // ---- package-private, used by WorkerTransport (loop unless stated) ----

    void count(WorkerCounter counter) {
        counts[counter.ordinal()]++;
    }

    /** Counts one datagram of {@code bytes} about to be written. Loop. */
    void countOut(int bytes) {
        counts[WorkerCounter.OUT_DATAGRAMS.ordinal()]++;
        counts[WorkerCounter.OUT_BYTES.ordinal()] += bytes;
    }

    MediaConfig config() { return config; }

    DtlsCertificate certificate() { return certificate; }

    /** The engine's DTLS handshake pool, shared by its workers. */
    HandshakePool handshakes() { return handshakes; }

    /** Any thread (Netty's write is thread-safe). */
    Channel channel() { return channel; }

    /** The loop's batching writer for this worker's socket (null before bind). Loop. */
    DatagramWriter writer() { return writer; }

    void forget(WorkerTransport transport, List<InetSocketAddress> addresses) {
        byUfrag.remove(transport.localUfrag(), transport);
        for (InetSocketAddress a : addresses) {
            byAddress.remove(a, transport);
            TcpMediaLink link = tcp.link(a);
            if (link != null && link.transport() == transport) link.close(); // its connections go with it
        }
    }

    /**
     * Sends a protected packet (or a STUN answer) in {@code buf} to {@code to}: over the ICE-TCP connection
     * from that address if there is one, else as a datagram. Takes ownership. {@code droppable}: video, which
     * a congested TCP connection drops first. Loop.
     */
    void sendTo(ByteBuf buf, InetSocketAddress to, boolean droppable) {
        TcpMediaLink link = tcpLink(to);
        countOut(buf.readableBytes());
        if (link != null) link.write(buf, droppable);
        else writer.write(buf, to);
    }

    /** The tick that drains this worker's transports' pacers. Loop. */
    PacingTimer pacing() {
        return pacing;
    }

    /** The ICE-TCP connection from {@code remote}, or null. Any thread. */
    TcpMediaLink tcpLink(InetSocketAddress remote) {
        return tcp.link(remote);
    }

    /** False when the worker already holds {@link #MAX_TCP_LINKS} connections. Loop. */
    boolean addTcpLink(TcpMediaLink link) {
        return tcp.add(link);
    }

    void removeTcpLink(TcpMediaLink link) {
        tcp.remove(link);
    }

    /** The live transport whose ICE ufrag is {@code ufrag}, or null. Any thread. */
    WorkerTransport transportByUfrag(String ufrag) {
        return byUfrag.get(ufrag);
    }

    /** A valid connectivity check from {@code from} binds that address to {@code transport}. Loop. */
    void bindAddress(InetSocketAddress from, WorkerTransport transport) {
        WorkerTransport previous = byAddress.put(from, transport);
        if (previous != null && previous != transport) previous.forgetAddress(from);
    }

    /** Source filter (RFC 7983 demux happens only after it). */
    boolean allows(InetSocketAddress source) {
        return allowedNetworks.allows(source.getAddress());
    }

    // ---- the receive path ----

    /** Handles one datagram; borrows {@code packet} (the caller releases it). Loop. */
    void onDatagram(DatagramPacket packet) {
        counts[WorkerCounter.IN_DATAGRAMS.ordinal()]++;
        counts[WorkerCounter.IN_BYTES.ordinal()] += packet.content().readableBytes();
        InetSocketAddress from = packet.sender();
        if (from == null || !allows(from)) {
            count(WorkerCounter.DROPPED_NOT_ALLOWED_NETWORK);
            return;
        }
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > StunMessage.MAX_MESSAGE_LENGTH) {
            count(WorkerCounter.DROPPED_OVERSIZED);
            return;
        }
        switch (PacketKind.of(content)) {
            case STUN -> stun.onStun(content, from, null);
            case DTLS -> {
                WorkerTransport t = byAddress.get(from);
                if (t == null) count(WorkerCounter.DROPPED_UNKNOWN_ADDRESS);
                else t.onDtls(content, from);
            }
            case RTP, RTCP -> {
                WorkerTransport t = byAddress.get(from);
                if (t == null) {
                    count(WorkerCounter.DROPPED_UNKNOWN_ADDRESS);
                    return;
                }
                // Copy once into a pooled heap buffer: SRTP decrypts in place on its array (the
                // datagram itself is direct with epoll).
                ByteBuf heap = channel.alloc().heapBuffer(length);
                heap.writeBytes(content, content.readerIndex(), length);
                t.onSrtp(heap, PacketKind.of(content) == PacketKind.RTCP);
            }
            default -> count(WorkerCounter.DROPPED_UNKNOWN_KIND);
        }
    }

    /** One RFC 4571 frame from an ICE-TCP connection; borrows it. Loop. */
    void onTcpFrame(TcpMediaLink link, ByteBuf frame) {
        int length = frame.readableBytes();
        counts[WorkerCounter.IN_DATAGRAMS.ordinal()]++;
        counts[WorkerCounter.TCP_IN_FRAMES.ordinal()]++;
        counts[WorkerCounter.IN_BYTES.ordinal()] += length;
        if (length > StunMessage.MAX_MESSAGE_LENGTH) {
            count(WorkerCounter.DROPPED_OVERSIZED);
            return;
        }
        PacketKind kind = PacketKind.of(frame);
        if (kind == PacketKind.STUN) {
            stun.onStun(frame, link.remote(), link);
            return;
        }
        WorkerTransport t = link.transport();
        if (t == null || t.isClosed()) {
            count(kind == PacketKind.UNKNOWN ? WorkerCounter.DROPPED_UNKNOWN_KIND : WorkerCounter.DROPPED_UNKNOWN_ADDRESS);
            return;
        }
        switch (kind) {
            case DTLS -> t.onDtls(frame, link.remote());
            case RTP, RTCP -> {
                ByteBuf heap = channel.alloc().heapBuffer(length);
                heap.writeBytes(frame, frame.readerIndex(), length);
                t.onSrtp(heap, kind == PacketKind.RTCP);
            }
            default -> count(WorkerCounter.DROPPED_UNKNOWN_KIND);
        }
    }

    private void expireConsent() {
        long now = System.nanoTime();
        for (WorkerTransport t : byUfrag.values()) {
            if (t.agent().consentExpired(now, consentTimeoutNanos)) {
                count(WorkerCounter.ICE_CONSENT_EXPIRED);
                t.closeOnLoop("consent_expired");
            }
        }
    }

    /**
     * The channel's only handler: hands datagrams to the worker and releases them. What a read burst sends
     * is flushed once, when the burst ends ({@link DatagramWriter}: one sendmmsg instead of a sendto each).
     */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramWriter w = writer;
            if (w != null) w.beginBatch();
            try {
                if (msg instanceof DatagramPacket packet) onDatagram(packet);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            DatagramWriter w = writer;
            if (w != null) w.endBatch();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like surface here on some platforms; UDP keeps going. A failed
            // write with GSO on may be the device refusing segmentation (EIO): send plain datagrams from now on.
            DatagramWriter w = writer;
            if (w != null && w.usesGso() && cause instanceof java.io.IOException) {
                w.disableGso();
                count(WorkerCounter.OUT_GSO_DISABLED);
                LOG.log(System.Logger.Level.WARNING, "UDP GSO send failed ({0}); media worker {1} sends one "
                        + "datagram per send call from now on", cause.getMessage(), index);
            }
        }
    }
}
