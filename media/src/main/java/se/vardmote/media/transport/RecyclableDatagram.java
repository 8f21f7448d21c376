package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;

/**
 * A datagram (or, with UDP GSO, a run of equal-sized datagrams to one address) whose buffer, recipient and
 * segment size are set per send and which goes back to its {@link Pool} when Netty releases it after the
 * write, so the relay sends without allocating a packet object per datagram.
 *
 * <p>Why a subclass: Netty's epoll channel batches into one {@code sendmmsg} only {@code DatagramPacket}
 * messages, reads them only through {@link #content()}, {@link #recipient()} and {@link #segmentSize()}, and
 * asks the kernel to segment ({@code UDP_SEGMENT}) only when the content is longer than the segment size —
 * so one class serves single datagrams and GSO runs. The parent's fields are final, so every method that
 * would touch them is overridden here; the parent is built once per object around placeholders. Not for an
 * epoll channel on a kernel without {@code UDP_SEGMENT} (Netty refuses any {@code SegmentedDatagramPacket}
 * there; {@link DatagramWriter} checks).
 *
 * <p>Owned by one channel's event loop: taken, written and released there (Netty releases written messages
 * on the channel's loop). A release on another thread releases the buffer but does not recycle the object.
 */
final class RecyclableDatagram extends SegmentedDatagramPacket {

    private static final InetSocketAddress PLACEHOLDER = InetSocketAddress.createUnresolved("recyclable", 9);

    private final Pool pool;
    private ByteBuf content;
    private InetSocketAddress recipient;
    private int segmentSize;

    private RecyclableDatagram(Pool pool) {
        super(Unpooled.EMPTY_BUFFER, 1, PLACEHOLDER);
        this.pool = pool;
    }

    @Override
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public ByteBuf content() {
        return content;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public InetSocketAddress sender() {
        return null;
    }

    /** A plain (non-recycled) copy holder, for the rare path where Netty replaces the buffer. */
    @Override
    public SegmentedDatagramPacket replace(ByteBuf replacement) {
        return new SegmentedDatagramPacket(replacement, Math.max(1, segmentSize), recipient);
    }

    @Override
    public int refCnt() {
        ByteBuf c = content;
        return c == null ? 0 : c.refCnt();
    }

    @Override
    public SegmentedDatagramPacket retain() {
        content.retain();
        return this;
    }

    @Override
    public SegmentedDatagramPacket retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public SegmentedDatagramPacket touch() {
        content.touch();
        return this;
    }

    @Override
    public SegmentedDatagramPacket touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        ByteBuf c = content;
        if (c == null) return false;
        boolean deallocated = c.release(decrement);
        if (deallocated) {
            content = null;
            recipient = null;
            pool.recycle(this);
        }
        return deallocated;
    }

    @Override
    public String toString() {
        return "RecyclableDatagram(" + recipient + ", " + content + ", segment " + segmentSize + ")";
    }

    /**
     * A bounded stack of free datagrams for one event loop. Beyond {@code capacity} free objects the rest are
     * left to the garbage collector (a burst larger than the steady state).
     */
    static final class Pool {
        private final RecyclableDatagram[] free;
        private Thread owner;
        private int size;
        private long created;

        Pool(int capacity) {
            this.free = new RecyclableDatagram[capacity];
        }

        /**
         * A datagram carrying {@code content} (ownership passes to it) to {@code to}; content longer than
         * {@code segmentSize} is sent as segments of that size (the last may be shorter). Always on the same
         * thread (the first caller's: the channel's event loop).
         */
        DatagramPacket take(ByteBuf content, InetSocketAddress to, int segmentSize) {
            if (owner == null) owner = Thread.currentThread();
            RecyclableDatagram d;
            if (size > 0) {
                d = free[--size];
                free[size] = null;
            } else {
                d = new RecyclableDatagram(this);
                created++;
            }
            d.content = content;
            d.recipient = to;
            d.segmentSize = segmentSize;
            return d;
        }

        private void recycle(RecyclableDatagram d) {
            if (size < free.length && Thread.currentThread() == owner) {
                free[size++] = d;
            }
        }

        /** Datagram objects ever made by this pool (steady state: stops growing). Owner thread. */
        long created() {
            return created;
        }

        /** Free datagrams waiting to be reused. Owner thread. */
        int free() {
            return size;
        }
    }
}
