package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Writes outgoing datagrams of one UDP channel: batched per read burst, runs to one address coalesced for
 * UDP GSO, and without allocating per datagram.
 *
 * <p>Batching: with Netty's native epoll transport a flush of several queued {@link DatagramPacket}s goes to
 * the kernel as one {@code sendmmsg(2)} call; a flush per packet is one {@code sendto(2)} each. The receive
 * side brackets each read burst with {@link #beginBatch()} / {@link #endBatch()} (the worker does it from
 * {@code channelRead} and {@code channelReadComplete}), so everything a burst of incoming packets causes
 * leaves in a few syscalls. Outside a batch (timers, control-plane tasks) every write is flushed at once.
 *
 * <p>GSO: the kernel's per-datagram work (route, skb, IP/UDP headers, device) is most of the cost of a send.
 * Within a batch, consecutive datagrams to the same address of one size (the last of a run may be shorter)
 * go to the kernel as one buffer with {@code UDP_SEGMENT}, which the kernel (or the NIC) splits into the
 * same datagrams, in the same order. A subscriber's share of a read burst is typically the packets of one
 * video frame, equal-sized by the packetizer. Order per address is kept; datagrams to different addresses may
 * leave in another order than written, which no receiver can observe. If a GSO send fails
 * (a device without checksum offload answers EIO), {@link #disableGso()} turns it off for this writer.
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

    /** Most segments per GSO send (Linux allows 64) and most bytes (an IP packet is at most 64 KiB). */
    static final int MAX_SEGMENTS = 32;
    static final int MAX_GSO_BYTES = 60_000;

    /**
     * Largest segment coalesced: a GSO segment may not exceed the path MTU (the kernel refuses the whole send
     * with EINVAL), so anything that might need IP fragmentation goes alone.
     */
    static final int MAX_SEGMENT_BYTES = 1400;

    private final Channel channel;
    private final RecyclableDatagram.Pool datagrams = new RecyclableDatagram.Pool(POOLED_DATAGRAMS);
    /** Netty refuses a SegmentedDatagramPacket on an epoll channel whose kernel lacks UDP_SEGMENT. */
    private final boolean recyclable;
    private boolean gso;
    private boolean inBatch;
    private int unflushed;

    // A batch's datagrams, in write order, until they are coalesced and written (GSO only)
    private final ByteBuf[] pending = new ByteBuf[MAX_UNFLUSHED];
    private final InetSocketAddress[] pendingTo = new InetSocketAddress[MAX_UNFLUSHED];
    private final int[] run = new int[MAX_UNFLUSHED];
    private int pendingCount;
    private long gsoSends;
    private long gsoSegments;

    /** A writer that coalesces for GSO when the channel and the kernel support it. */
    public DatagramWriter(Channel channel) {
        this(channel, true);
    }

    /** @param gsoWanted false to never coalesce (configuration, or a device known not to support it) */
    public DatagramWriter(Channel channel, boolean gsoWanted) {
        this.channel = channel;
        boolean epoll = channel instanceof EpollDatagramChannel;
        boolean kernelSegments = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        this.recyclable = !epoll || kernelSegments;
        this.gso = gsoWanted && kernelSegments;
    }

    /** The channel written to. Any thread. */
    public Channel channel() {
        return channel;
    }

    /** Whether runs to one address are coalesced (UDP GSO). Event loop. */
    public boolean usesGso() {
        return gso;
    }

    /** Stops coalescing (after a failed GSO send). Event loop. */
    public void disableGso() {
        if (!gso) return;
        drainPending();
        gso = false;
    }

    /**
     * Sends {@code datagram} to {@code to}; takes ownership of the buffer. A heap buffer (what SRTP protects
     * in place) is copied, from its array, into a direct buffer of the channel's allocator: left to the
     * native transport, the same copy goes through NIO views of both buffers and a second
     * {@link DatagramPacket}. Event loop.
     */
    public void write(ByteBuf datagram, InetSocketAddress to) {
        if (inBatch && gso) {
            pending[pendingCount] = datagram;
            pendingTo[pendingCount] = to;
            if (++pendingCount == MAX_UNFLUSHED) drainPending();
            return;
        }
        int length = datagram.readableBytes();
        ByteBuf out = datagram;
        if (!datagram.isDirect() && datagram.hasArray()) {
            out = channel.alloc().directBuffer(length);
            copyAndRelease(datagram, out);
        }
        send(out, to, length);
        if (!inBatch || ++unflushed >= MAX_UNFLUSHED) {
            flush();
        }
    }

    /** From now until {@link #endBatch()}, writes are queued and flushed together. Event loop. */
    public void beginBatch() {
        inBatch = true;
    }

    /** Writes and flushes what the batch queued. Event loop. */
    public void endBatch() {
        inBatch = false;
        if (pendingCount > 0) {
            drainPending();
        } else if (unflushed > 0) {
            flush();
        }
    }

    /** Datagram objects made so far; stops growing once the pool covers the writes in flight. Event loop. */
    long datagramsCreated() {
        return datagrams.created();
    }

    /** GSO sends so far (each carried two or more datagrams). Event loop. */
    public long gsoSends() {
        return gsoSends;
    }

    /** Datagrams that left in GSO sends so far. Event loop. */
    public long gsoSegments() {
        return gsoSegments;
    }

    /**
     * Writes the pending datagrams, one address at a time in first-written order; each address's datagrams
     * keep their order and go out as runs: a run is consecutive datagrams of one size, ended by a shorter
     * one or a longer one (which starts the next run).
     */
    private void drainPending() {
        int n = pendingCount;
        for (int i = 0; i < n; i++) {
            if (pending[i] == null) continue;
            InetSocketAddress to = pendingTo[i];
            int m = 0;
            for (int j = i; j < n; j++) {
                if (pending[j] != null && (pendingTo[j] == to || to.equals(pendingTo[j]))) run[m++] = j;
            }
            int k = 0;
            while (k < m) {
                int size = pending[run[k]].readableBytes();
                int count = 1;
                int bytes = size;
                if (size <= MAX_SEGMENT_BYTES) {
                    while (k + count < m && count < MAX_SEGMENTS) {
                        int next = pending[run[k + count]].readableBytes();
                        if (next > size || bytes + next > MAX_GSO_BYTES) break;
                        count++;
                        bytes += next;
                        if (next < size) break; // a shorter datagram can only be a run's last segment
                    }
                }
                sendRun(k, count, bytes, size, to);
                k += count;
            }
        }
        pendingCount = 0;
        flush();
    }

    /** Copies {@code run[from .. from+count)} into one direct buffer and sends it (segmented if count > 1). */
    private void sendRun(int from, int count, int bytes, int segmentSize, InetSocketAddress to) {
        ByteBuf out = channel.alloc().directBuffer(bytes);
        for (int r = from; r < from + count; r++) {
            int index = run[r];
            copyAndRelease(pending[index], out);
            pending[index] = null;
            pendingTo[index] = null;
        }
        if (count > 1) {
            gsoSends++;
            gsoSegments += count;
        }
        send(out, to, segmentSize);
    }

    private static void copyAndRelease(ByteBuf from, ByteBuf to) {
        if (from.hasArray()) {
            to.writeBytes(from.array(), from.arrayOffset() + from.readerIndex(), from.readableBytes());
        } else {
            to.writeBytes(from, from.readerIndex(), from.readableBytes());
        }
        from.release();
    }

    private void send(ByteBuf direct, InetSocketAddress to, int segmentSize) {
        DatagramPacket packet = recyclable
                ? datagrams.take(direct, to, segmentSize)
                : new DatagramPacket(direct, to);
        channel.write(packet, channel.voidPromise());
    }

    private void flush() {
        unflushed = 0;
        channel.flush();
    }
}
