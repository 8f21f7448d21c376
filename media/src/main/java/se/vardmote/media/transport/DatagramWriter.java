package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Writes outgoing datagrams of one UDP channel, flushing once per batch instead of once per packet.
 *
 * <p>Why: with Netty's native epoll transport a flush of several queued {@link DatagramPacket}s goes to the
 * kernel as one {@code sendmmsg(2)} call (up to the channel's {@code maxMessagesPerWrite}); a flush per
 * packet is one {@code sendto(2)} each. The receive side brackets each read burst with
 * {@link #beginBatch()} / {@link #endBatch()} (the worker does it from {@code channelRead} and
 * {@code channelReadComplete}), so everything a burst of incoming packets causes leaves in a few syscalls.
 * Outside a batch (timers, control-plane tasks) every write is flushed at once. See docs/performance.md.
 *
 * <p>Owned by the channel's event loop: {@link #write}, {@link #beginBatch()} and {@link #endBatch()} must
 * be called there. No lock and, in the steady state, no allocation: the direct buffers come from the pooled
 * allocator and the {@link DatagramPacket} objects Netty needs from a {@link RecyclableDatagram.Pool}.
 */
public final class DatagramWriter {

    /** Flush at least this often inside a long batch, so that a burst never waits for its end. */
    static final int MAX_UNFLUSHED = 64;

    /** Free datagram objects kept for reuse: more than one read burst's worth of writes in flight. */
    static final int POOLED_DATAGRAMS = 1024;

    private final Channel channel;
    private final RecyclableDatagram.Pool datagrams = new RecyclableDatagram.Pool(POOLED_DATAGRAMS);
    private boolean inBatch;
    private int unflushed;

    public DatagramWriter(Channel channel) {
        this.channel = channel;
    }

    /** The channel written to. Any thread. */
    public Channel channel() {
        return channel;
    }

    /**
     * Sends {@code datagram} to {@code to}; takes ownership of the buffer. A heap buffer (what SRTP protects
     * in place) is copied here, from its array, into a direct buffer of the channel's allocator: left to the
     * native transport, the same copy goes through NIO views of both buffers (two {@code ByteBuffer}
     * objects per datagram with Netty 4.2's adaptive allocator) and a second {@link DatagramPacket}.
     * Event loop.
     */
    public void write(ByteBuf datagram, InetSocketAddress to) {
        ByteBuf out = datagram;
        if (!datagram.isDirect() && datagram.hasArray()) {
            int length = datagram.readableBytes();
            out = channel.alloc().directBuffer(length);
            out.writeBytes(datagram.array(), datagram.arrayOffset() + datagram.readerIndex(), length);
            datagram.release();
        }
        channel.write(datagrams.take(out, to), channel.voidPromise());
        if (!inBatch || ++unflushed >= MAX_UNFLUSHED) {
            flush();
        }
    }

    /** From now until {@link #endBatch()}, writes are queued and flushed together. Event loop. */
    public void beginBatch() {
        inBatch = true;
    }

    /** Flushes what the batch queued. Event loop. */
    public void endBatch() {
        inBatch = false;
        if (unflushed > 0) {
            flush();
        }
    }

    /** Datagram objects made so far; stops growing once the pool covers the writes in flight. Event loop. */
    long datagramsCreated() {
        return datagrams.created();
    }

    private void flush() {
        unflushed = 0;
        channel.flush();
    }
}
