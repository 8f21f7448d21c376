package se.vardmote.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.spec.SecretKeySpec;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.DtlsClient;
import se.vardmote.media.dtls.DtlsTransport;
import se.vardmote.media.dtls.QueuedDatagramTransport;
import se.vardmote.media.ice.MessageIntegrity;
import se.vardmote.media.ice.StunBinding;
import se.vardmote.media.ice.StunMessage;
import se.vardmote.media.net.UdpIo;
import se.vardmote.media.srtp.SrtpSession;

/**
 * One peer connection of a simulated participant, as a browser runs it against an ICE-lite server: one
 * UDP socket, ICE connectivity checks as the controlling agent (RFC 8445 §7.2.4, USE-CANDIDATE on the
 * first check), consent checks every {@link #CONSENT_INTERVAL_MILLIS} (RFC 7675), a DTLS client
 * handshake (bctls, blocking, on the shared handshake pool) and SRTP in the client role. Incoming
 * datagrams are demultiplexed by their first byte (RFC 7983).
 *
 * <p>Owned by one event loop: the channel, the SRTP session, the counters and the listener calls all
 * live there. {@link #connect} and {@link #close} may be called from any thread.
 */
final class ClientTransport {

    /** What the owner of the transport hears. Called on the transport's event loop. */
    interface Listener {
        /** A decrypted RTP packet; borrows the buffer. */
        void onRtp(ByteBuf packet, int wireBytes, long arrivalNanos);

        /** A decrypted RTCP compound; borrows the buffer. */
        void onRtcp(ByteBuf packet);
    }

    /** The server side of the connection as its SDP tells it. */
    record Remote(InetSocketAddress address, String ufrag, String pwd, String fingerprint) {}

    static final int CONSENT_INTERVAL_MILLIS = 5000;
    private static final int CHECK_INTERVAL_MILLIS = 50;
    private static final int ICE_TIMEOUT_MILLIS = 10_000;
    private static final int DTLS_TIMEOUT_MILLIS = 15_000;
    private static final int RECEIVE_BUFFER = 4 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoop loop;
    private final boolean epoll;
    private final ClientSdp.Identity local;
    private final DtlsCertificate certificate;
    private final ExecutorService handshakes;
    private final Listener listener;
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final StunMessage stun = new StunMessage();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final long tieBreaker = RANDOM.nextLong();
    private final byte[] pendingTransaction = new byte[12];

    private Remote remote;
    private SecretKeySpec remoteKey;
    private Channel channel;
    private QueuedDatagramTransport dtls;
    private SrtpSession srtp;
    private ScheduledFuture<?> checks;
    private boolean iceDone;
    private long iceStartNanos;
    private volatile boolean closed;

    // Counters: written on the loop; read racily by the progress line, exactly after the loop is done.
    long packetsIn;
    long bytesIn;
    long packetsOut;
    long bytesOut;
    long srtpFailures;
    long droppedBeforeKeys;

    ClientTransport(EventLoop loop, boolean epoll, ClientSdp.Identity local, DtlsCertificate certificate,
                    ExecutorService handshakes, Listener listener) {
        this.loop = loop;
        this.epoll = epoll;
        this.local = local;
        this.certificate = certificate;
        this.handshakes = handshakes;
        this.listener = listener;
    }

    EventLoop loop() { return loop; }

    /** True once SRTP keys are in place. Any thread. */
    boolean isConnected() { return connected.isDone() && !connected.isCompletedExceptionally(); }

    /** Binds a socket, then runs ICE, DTLS and SRTP; the future completes when media can flow. */
    CompletableFuture<Void> connect(Remote server) {
        loop.execute(() -> start(server));
        return connected;
    }

    private void start(Remote server) {
        if (closed) {
            connected.completeExceptionally(new IOException("closed"));
            return;
        }
        this.remote = server;
        this.remoteKey = MessageIntegrity.shortTermKey(server.pwd());
        InetAddress bindAddress = server.address().getAddress().isLoopbackAddress()
                ? server.address().getAddress() : null;
        UdpIo io = epoll ? UdpIo.best() : UdpIo.nio();
        Bootstrap bootstrap = io.receiveInBatches(new Bootstrap().group(loop).channel(io.channelClass()), 2048, 16)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.SO_SNDBUF, RECEIVE_BUFFER)
                .handler(new Inbound());
        InetSocketAddress bind = bindAddress == null ? new InetSocketAddress(0) : new InetSocketAddress(bindAddress, 0);
        bootstrap.bind(bind).addListener(f -> {
            if (!f.isSuccess()) {
                connected.completeExceptionally(f.cause());
                return;
            }
            channel = ((io.netty.channel.ChannelFuture) f).channel();
            if (closed) { // closed while binding (a churned participant): close() found no channel yet
                channel.close();
                connected.completeExceptionally(new IOException("closed"));
                return;
            }
            iceStartNanos = System.nanoTime();
            RANDOM.nextBytes(pendingTransaction);
            checks = loop.scheduleAtFixedRate(this::check, 0, CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /** Sends a connectivity check until one succeeds, then a consent check every few seconds. */
    private void check() {
        if (closed) return;
        if (!iceDone && System.nanoTime() - iceStartNanos > TimeUnit.MILLISECONDS.toNanos(ICE_TIMEOUT_MILLIS)) {
            checks.cancel(false);
            connected.completeExceptionally(new TimeoutException("ice: no Binding success response"));
            return;
        }
        ByteBuf out = channel.alloc().buffer(160);
        StunBinding.writeRequest(out, pendingTransaction, remote.ufrag() + ":" + local.ufrag(), 0x6e7f1eff,
                !iceDone, tieBreaker, remoteKey, integrity);
        channel.writeAndFlush(new DatagramPacket(out, remote.address()));
    }

    private void onStun(ByteBuf datagram) {
        if (!stun.wrap(datagram) || !stun.isBindingSuccessResponse() || !stun.transactionIdEquals(pendingTransaction)
                || !integrity.verify(stun, remoteKey)) {
            return;
        }
        RANDOM.nextBytes(pendingTransaction);
        if (iceDone) return; // a consent response (RFC 7675 §5.1): nothing more to do
        iceDone = true;
        checks.cancel(false);
        checks = loop.scheduleAtFixedRate(this::check, CONSENT_INTERVAL_MILLIS, CONSENT_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        startDtls();
    }

    private void startDtls() {
        Channel ch = channel;
        InetSocketAddress to = remote.address();
        dtls = new QueuedDatagramTransport((buf, off, len) ->
                ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(buf, off, len), to)));
        QueuedDatagramTransport transport = dtls;
        String fingerprint = remote.fingerprint();
        try {
            handshakes.execute(() -> {
                try {
                    DtlsClient client = new DtlsClient(certificate, fingerprint, DtlsTransport.DEFAULT_PROFILES,
                            DTLS_TIMEOUT_MILLIS);
                    DtlsClient.Result result = client.connect(transport);
                    loop.execute(() -> {
                        if (closed) return;
                        srtp = new SrtpSession(result.keys(), false);
                        connected.complete(null);
                    });
                } catch (IOException | RuntimeException e) {
                    connected.completeExceptionally(new IOException("dtls: " + e.getMessage(), e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            connected.completeExceptionally(e);
        }
    }

    /**
     * Protects and queues one RTP packet (flush with {@link #flush}). Takes ownership of {@code packet},
     * a heap buffer with room for the SRTP tag. On the loop only.
     */
    boolean writeRtp(ByteBuf packet) {
        SrtpSession s = srtp;
        if (s == null || closed || !s.protectRtp(packet)) {
            packet.release();
            return false;
        }
        packetsOut++;
        bytesOut += packet.readableBytes();
        channel.write(new DatagramPacket(packet, remote.address()), channel.voidPromise());
        return true;
    }

    /** As {@link #writeRtp} for an RTCP compound, flushed at once. */
    boolean sendRtcp(ByteBuf packet) {
        SrtpSession s = srtp;
        if (s == null || closed || !s.protectRtcp(packet)) {
            packet.release();
            return false;
        }
        channel.writeAndFlush(new DatagramPacket(packet, remote.address()), channel.voidPromise());
        return true;
    }

    void flush() {
        if (channel != null) channel.flush();
    }

    /** Heap buffer for an outgoing packet of {@code length} bytes plus room for the SRTP tag. */
    static ByteBuf allocate(int length) {
        return PooledByteBufAllocator.DEFAULT.heapBuffer(length + 32);
    }

    /** Closes the socket and the DTLS side. Any thread; idempotent. */
    void close() {
        closed = true;
        loop.execute(() -> {
            if (checks != null) checks.cancel(false);
            if (dtls != null) dtls.close();
            if (srtp != null) srtp.close();
            srtp = null;
            if (channel != null) channel.close();
            connected.completeExceptionally(new IOException("closed"));
        });
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            long arrival = System.nanoTime();
            ByteBuf content = msg.content();
            if (!content.isReadable() || !msg.sender().equals(remote.address())) return;
            int first = content.getUnsignedByte(content.readerIndex());
            // RFC 7983 §7: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP.
            if (first <= 3) {
                onStun(content);
            } else if (first >= 20 && first <= 63) {
                if (dtls != null) {
                    byte[] record = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), record);
                    dtls.offer(record);
                }
            } else if (first >= 128 && first <= 191) {
                onSrtp(content, arrival);
            }
        }

        private void onSrtp(ByteBuf content, long arrival) {
            SrtpSession s = srtp;
            if (s == null) {
                droppedBeforeKeys++;
                return;
            }
            int length = content.readableBytes();
            if (length < 12) return;
            packetsIn++;
            bytesIn += length;
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(length);
            try {
                packet.writeBytes(content, content.readerIndex(), length);
                // RFC 5761 §4: payload types 192-223 in the second byte are RTCP.
                int type = packet.getUnsignedByte(1);
                if (type >= 192 && type <= 223) {
                    if (s.unprotectRtcp(packet)) listener.onRtcp(packet); else srtpFailures++;
                } else if (s.unprotectRtp(packet)) {
                    listener.onRtp(packet, length, arrival);
                } else {
                    srtpFailures++;
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket reports ICMP errors (port unreachable) here; the run's counters tell the story.
        }
    }
}
