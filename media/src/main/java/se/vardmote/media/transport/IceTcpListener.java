package se.vardmote.media.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.net.UdpIo;

/**
 * A worker's ICE-TCP listener (RFC 6544 passive candidates) and its open connections ({@link TcpMediaLink}),
 * by remote address: on the worker's own loop, for itself and its connections, so a TCP participant's
 * packets never cross threads. At most {@link MediaWorker#MAX_TCP_LINKS} connections at once.
 * Bound and closed on the loop; the connection table is read from any thread (the DTLS thread sends too).
 */
final class IceTcpListener {

    private final MediaWorker worker;
    private volatile Channel server;
    private volatile int port = -1;
    private final ConcurrentHashMap<InetSocketAddress, TcpMediaLink> links = new ConcurrentHashMap<>();

    IceTcpListener(MediaWorker worker) {
        this.worker = worker;
    }

    /** Listens on {@code bindAddress:tcpFirstPort+index} (port 0 = ephemeral) on {@code loop}. Blocks. */
    void bind(UdpIo io, EventLoop loop, MediaConfig config, int index) throws InterruptedException {
        int wanted = config.tcpFirstPort() == 0 ? 0 : config.tcpFirstPort() + index;
        Channel ch = new ServerBootstrap().group(loop, loop).channel(io.tcpServerChannelClass())
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(TcpMediaLink.LOW_WATER_BYTES, TcpMediaLink.HIGH_WATER_BYTES))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        TcpMediaLink.install(child.pipeline(), worker);
                    }
                })
                .bind(new InetSocketAddress(config.bindAddress(), wanted))
                .sync()
                .channel();
        this.server = ch;
        this.port = ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** The port bound, or -1 before (or without) {@link #bind}. Any thread. */
    int port() {
        return port;
    }

    /** Whether the listener is bound and open. Any thread. */
    boolean isActive() {
        Channel ch = server;
        return ch != null && ch.isActive();
    }

    /** Open connections. Any thread. */
    int linkCount() {
        return links.size();
    }

    /** The connection from {@code remote}, or null. Any thread. */
    TcpMediaLink link(InetSocketAddress remote) {
        return links.isEmpty() ? null : links.get(remote);
    }

    /** False when {@link MediaWorker#MAX_TCP_LINKS} connections are open already. Loop. */
    boolean add(TcpMediaLink link) {
        if (links.size() >= MediaWorker.MAX_TCP_LINKS) return false;
        TcpMediaLink previous = links.put(link.remote(), link);
        if (previous != null) previous.close();
        return true;
    }

    void remove(TcpMediaLink link) {
        if (link.remote() != null) links.remove(link.remote(), link);
    }

    /** Closes the listener and every connection. Loop. */
    void close() {
        Channel ch = server;
        if (ch != null) ch.close();
        for (TcpMediaLink link : new ArrayList<>(links.values())) link.close();
    }
}
