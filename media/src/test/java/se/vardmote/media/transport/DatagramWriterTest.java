package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
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
}
