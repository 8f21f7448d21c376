package se.vardmote.media.net;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UdpIoTest {

    /**
     * Datagrams queued in the socket before the loop reads them arrive whole, in order and with their sender,
     * whether epoll reads them in one recvmmsg batch (slices of one buffer) or NIO one at a time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"best", "nio"})
    void batchedReceiveDeliversEveryDatagramWholeWithItsSender(String flavour) throws Exception {
        UdpIo io = flavour.equals("nio") ? UdpIo.nio() : UdpIo.best();
        EventLoopGroup group = io.newGroup(1, r -> new Thread(r, "udpio-test"));
        LinkedBlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // Stall the loop so that every datagram below waits in the socket and one read sees them all.
            Channel ch = io.receiveInBatches(new Bootstrap().group(group).channel(io.channelClass()), 2048, 16)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            ByteBuf c = p.content();
                            byte[] bytes = new byte[c.readableBytes()];
                            c.getBytes(c.readerIndex(), bytes);
                            received.add(new Object[] {bytes, p.sender()});
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress target = (InetSocketAddress) ch.localAddress();
            List<byte[]> sent = new ArrayList<>();
            int[] sizes = {1, 1200, 2048, 100, 1500};
            ch.eventLoop().submit(() -> {
                for (int i = 0; i < 40; i++) {
                    byte[] d = new byte[sizes[i % sizes.length]];
                    Arrays.fill(d, (byte) i);
                    sent.add(d);
                    try {
                        sender.send(new java.net.DatagramPacket(d, d.length, target));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }).sync();
            for (byte[] expected : sent) {
                Object[] got = received.poll(2, TimeUnit.SECONDS);
                assertNotNull(got, io.name() + ": a datagram did not arrive");
                assertArrayEquals(expected, (byte[]) got[0], io.name());
                assertEquals(sender.getLocalSocketAddress(), got[1]);
            }
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
