package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import se.vardmote.media.net.UdpIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatagramWriterTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final DatagramWriter writer = new DatagramWriter(channel);
    private final InetSocketAddress to = new InetSocketAddress("127.0.0.1", 40_000);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf heapPacket(int firstByte) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
        b.writeByte(firstByte).writeZero(19);
        return b;
    }

    @Test
    void flushesAtOnceOutsideAReadBurst() {
        writer.write(heapPacket(1), to);
        DatagramPacket sent = channel.readOutbound();
        assertNotNull(sent);
        assertEquals(to, sent.recipient());
        sent.release();
    }

    @Test
    void holdsWritesOfABurstUntilItEnds() {
        writer.beginBatch();
        writer.write(heapPacket(1), to);
        writer.write(heapPacket(2), to);
        assertNull(channel.readOutbound(), "nothing leaves before the burst ends");
        writer.endBatch();
        DatagramPacket first = channel.readOutbound();
        DatagramPacket second = channel.readOutbound();
        assertEquals(1, first.content().getByte(0));
        assertEquals(2, second.content().getByte(0));
        first.release();
        second.release();
    }

    @Test
    void copiesHeapPacketsIntoDirectBuffersAndReleasesTheHeapOnes() {
        ByteBuf heap = heapPacket(7);
        writer.write(heap, to);
        assertEquals(0, heap.refCnt(), "the heap buffer is released after the copy");
        DatagramPacket sent = channel.readOutbound();
        assertTrue(sent.content().isDirect());
        assertEquals(20, sent.content().readableBytes());
        assertEquals(7, sent.content().getByte(0));
        sent.release();
    }

    @Test
    void flushesALongBurstEverySoOften() {
        writer.beginBatch();
        for (int i = 0; i < DatagramWriter.MAX_UNFLUSHED; i++) writer.write(heapPacket(i), to);
        int out = 0;
        for (Object m; (m = channel.readOutbound()) != null; out++) ((DatagramPacket) m).release();
        assertEquals(DatagramWriter.MAX_UNFLUSHED, out);
        writer.endBatch();
    }

    @Test
    void reusesDatagramObjectsOnceNettyHasReleasedThem() {
        for (int round = 0; round < 50; round++) {
            writer.beginBatch();
            for (int i = 0; i < 8; i++) writer.write(heapPacket(i), to);
            writer.endBatch();
            for (Object m; (m = channel.readOutbound()) != null; ) ((DatagramPacket) m).release();
        }
        assertEquals(8, writer.datagramsCreated(), "one object per datagram in flight, not per datagram sent");
    }

    @Test
    void aReusedDatagramCarriesItsNewBufferAndRecipient() {
        writer.write(heapPacket(1), to);
        DatagramPacket first = channel.readOutbound();
        ByteBuf firstBuffer = first.content();
        first.release();
        assertEquals(0, firstBuffer.refCnt());
        assertNull(first.content(), "a recycled datagram lets go of its buffer");

        InetSocketAddress other = new InetSocketAddress("127.0.0.1", 40_001);
        writer.write(heapPacket(2), other);
        DatagramPacket second = channel.readOutbound();
        assertSame(first, second);
        assertEquals(other, second.recipient());
        assertEquals(2, second.content().getByte(0));
        assertEquals(1, second.refCnt());
        second.release();
        assertFalse(second.release(), "a second release of a recycled datagram is a no-op");
    }

    /** Netty's own write path (epoll's sendmmsg batching, or NIO) sends the recycled objects and releases them. */
    @ParameterizedTest
    @ValueSource(strings = {"best", "nio"})
    void sendsEveryDatagramThroughARealSocketReusingAFewObjects(String flavour) throws Exception {
        UdpIo io = flavour.equals("nio") ? UdpIo.nio() : UdpIo.best();
        EventLoopGroup group = io.newGroup(1, r -> new Thread(r, "writer-test"));
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(2000);
            receiver.setReceiveBufferSize(1 << 20);
            Channel ch = loopbackChannel(io, group);
            DatagramWriter real = new DatagramWriter(ch);
            InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
            int bursts = 100, perBurst = 16;
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[64], 64);
            for (int b = 0; b < bursts; b++) {
                int burst = b;
                ch.eventLoop().submit(() -> {
                    real.beginBatch();
                    for (int i = 0; i < perBurst; i++) {
                        ByteBuf p = PooledByteBufAllocator.DEFAULT.heapBuffer(8);
                        p.writeInt(burst).writeInt(i);
                        real.write(p, target);
                    }
                    real.endBatch();
                }).sync();
                for (int i = 0; i < perBurst; i++) {
                    receiver.receive(in);
                    assertEquals(8, in.getLength());
                    assertEquals(burst, ByteBuffer.wrap(in.getData(), 0, 8).getInt(0));
                    assertEquals(i, ByteBuffer.wrap(in.getData(), 0, 8).getInt(4));
                }
            }
            long created = ch.eventLoop().submit(real::datagramsCreated).get();
            assertTrue(created <= 2L * perBurst, io.name() + ": " + created + " datagram objects for "
                    + bursts * perBurst + " sends");
            if (io.name().equals("epoll")) {
                assertEquals(bursts, (long) ch.eventLoop().submit(real::gsoSends).get(),
                        "each burst of equal-sized datagrams to one address left as one GSO send");
            }
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * With GSO, each address gets its datagrams in the order written, as runs of one size (a shorter datagram
     * ends a run, a longer one starts the next), and the kernel splits them back into the same datagrams.
     */
    @Test
    void coalescesRunsToOneAddressKeepingEachAddressesOrder() throws Exception {
        UdpIo io = UdpIo.best();
        assertEquals("epoll", io.name(), "Linux: the native transport must load");
        EventLoopGroup group = io.newGroup(1, r -> new Thread(r, "gso-test"));
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            a.setSoTimeout(2000);
            b.setSoTimeout(2000);
            Channel ch = loopbackChannel(io, group);
            DatagramWriter real = new DatagramWriter(ch);
            InetSocketAddress toA = (InetSocketAddress) a.getLocalSocketAddress();
            InetSocketAddress toB = (InetSocketAddress) b.getLocalSocketAddress();
            // (address, size, tag) in write order
            Object[][] writes = {{toA, 100, 1}, {toA, 100, 2}, {toB, 50, 3}, {toA, 100, 4}, {toA, 60, 5},
                    {toA, 100, 6}, {toB, 50, 7}, {toA, 1500, 8}, {toA, 1500, 9}};
            ch.eventLoop().submit(() -> {
                assertTrue(real.usesGso());
                real.beginBatch();
                for (Object[] w : writes) {
                    ByteBuf p = PooledByteBufAllocator.DEFAULT.heapBuffer((int) w[1]);
                    p.writeByte((int) w[2]).writeZero((int) w[1] - 1);
                    real.write(p, (InetSocketAddress) w[0]);
                }
                real.endBatch();
            }).sync();
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[2048], 2048);
            for (Object[] w : writes) {
                DatagramSocket s = w[0] == toA ? a : b;
                s.receive(in);
                assertEquals((int) w[1], in.getLength(), "datagram " + w[2]);
                assertEquals((int) w[2], in.getData()[0], "order");
            }
            // A: [100,100,100,60] then [100] then 1500 twice (too large to coalesce); B: [50,50]
            assertEquals(2L, (long) ch.eventLoop().submit(real::gsoSends).get());
            assertEquals(6L, (long) ch.eventLoop().submit(real::gsoSegments).get());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A send-only channel on 127.0.0.1 with the worker's allocator. */
    private static Channel loopbackChannel(UdpIo io, EventLoopGroup group) throws InterruptedException {
        return new Bootstrap().group(group).channel(io.channelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }
}
