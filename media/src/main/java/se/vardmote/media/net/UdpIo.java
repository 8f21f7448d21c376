package se.vardmote.media.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty I/O flavour of the media sockets: native epoll where it loads (Linux), NIO elsewhere. UDP first;
 * {@code tcpServerChannelClass} is the same flavour's listening socket for ICE-TCP.
 * Immutable; any thread.
 */
public record UdpIo(IoHandlerFactory handlerFactory, Class<? extends DatagramChannel> channelClass,
                    Class<? extends ServerChannel> tcpServerChannelClass, String name) {

    /** Epoll when {@link Epoll#isAvailable()}, else NIO. */
    public static UdpIo best() {
        if (Epoll.isAvailable()) {
            return new UdpIo(EpollIoHandler.newFactory(), EpollDatagramChannel.class, EpollServerSocketChannel.class,
                    "epoll");
        }
        return new UdpIo(NioIoHandler.newFactory(), NioDatagramChannel.class, NioServerSocketChannel.class, "nio");
    }

    /** Always NIO (for comparison and for platforms without the native library). */
    public static UdpIo nio() {
        return new UdpIo(NioIoHandler.newFactory(), NioDatagramChannel.class, NioServerSocketChannel.class, "nio");
    }

    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, handlerFactory);
    }

    /**
     * Sets {@code bootstrap}'s receive side: datagrams of up to {@code maxDatagramBytes}, and with epoll up to
     * {@code batch} of them per {@code recvmmsg(2)} call into one pooled buffer (each datagram is a slice of
     * it); NIO reads one datagram per call. Returns {@code bootstrap}.
     */
    public Bootstrap receiveInBatches(Bootstrap bootstrap, int maxDatagramBytes, int batch) {
        if (EpollDatagramChannel.class.isAssignableFrom(channelClass) && batch > 1) {
            return bootstrap
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramBytes)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagramBytes * batch));
        }
        return bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagramBytes));
    }
}
