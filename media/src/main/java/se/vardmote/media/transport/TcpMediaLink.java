package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One ICE-TCP connection (RFC 6544) to a worker's passive TCP candidate, after RFC 4571 framing has been
 * taken off: each frame is what a datagram would be on UDP (STUN, DTLS, SRTP or SRTCP) and goes through the
 * same demultiplexing in {@link MediaWorker}. The first valid connectivity check binds the connection to its
 * transport; later frames go to that transport only.
 *
 * <p>Lives on the worker's event loop (the server channel hands its connections to the same loop), so the
 * relay path stays on one thread. {@link #write} frames a packet into one pooled buffer. A connection that
 * cannot keep up is never waited for: above the channel's high-water mark video is dropped (a keyframe
 * request repairs it), past {@link #HARD_LIMIT_BYTES} everything is, audio last of all.
 */
final class TcpMediaLink extends ChannelInboundHandlerAdapter {

    /** RFC 4571 frames larger than this close the connection: no STUN, DTLS or SRTP packet of ours is. */
    static final int MAX_FRAME_BYTES = MediaWorker.RECEIVE_BUFFER_BYTES;
    /** The channel's write buffer: above the high mark video is dropped. */
    static final int LOW_WATER_BYTES = 128 << 10;
    static final int HIGH_WATER_BYTES = 512 << 10;
    /** Queued bytes past which every packet is dropped (about 4 s of a 1 Mbit/s visit). */
    static final int HARD_LIMIT_BYTES = 2 << 20;
    /** A connection that has not passed a connectivity check by then is closed. */
    static final long UNBOUND_TIMEOUT_SECONDS = 10;

    private final MediaWorker worker;
    private Channel channel;
    private InetSocketAddress remote;
    private volatile boolean open;
    /** Set by the first accepted check. Loop. */
    private WorkerTransport transport;
    private ScheduledFuture<?> unboundTimer;

    TcpMediaLink(MediaWorker worker) {
        this.worker = worker;
    }

    /** An accepted connection's handlers, in order. */
    static void install(ChannelPipeline pipeline, MediaWorker worker) {
        pipeline.addLast(
                // the writes one read burst causes leave in one flush
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                // RFC 4571: a 16-bit length, then the packet
                new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES + 2, 0, 2, 0, 2),
                new TcpMediaLink(worker));
    }

    InetSocketAddress remote() { return remote; }

    WorkerTransport transport() { return transport; }

    void bind(WorkerTransport t) {
        transport = t;
        if (unboundTimer != null) unboundTimer.cancel(false);
    }

    boolean isOpen() { return open; }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        remote = (InetSocketAddress) channel.remoteAddress();
        if (remote == null || !worker.allows(remote)) {
            worker.count(WorkerCounter.TCP_REFUSED_NOT_ALLOWED);
            channel.close();
            return;
        }
        if (!worker.addTcpLink(this)) {
            worker.count(WorkerCounter.TCP_REFUSED_TOO_MANY);
            channel.close();
            return;
        }
        open = true;
        worker.count(WorkerCounter.TCP_ACCEPTED);
        unboundTimer = channel.eventLoop().schedule(() -> {
            if (transport == null && open) {
                worker.count(WorkerCounter.TCP_CLOSED_UNBOUND);
                channel.close();
            }
        }, UNBOUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (open) worker.onTcpFrame(this, frame);
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open = false;
        if (unboundTimer != null) unboundTimer.cancel(false);
        worker.removeTcpLink(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A frame over the limit, a reset by the peer: either way this connection is done. Nothing is logged
        // per connection; the counters say what happened.
        if (cause instanceof TooLongFrameException) worker.count(WorkerCounter.TCP_CLOSED_BAD_FRAME);
        ctx.close();
    }

    /**
     * Frames and queues {@code packet} (released here). {@code droppable}: video, dropped first when the
     * connection is congested. Returns false when it was dropped. Any thread (Netty hops to the loop).
     */
    boolean write(ByteBuf packet, boolean droppable) {
        Channel ch = channel;
        if (!open || ch == null) {
            packet.release();
            return false;
        }
        if (!ch.isWritable()) {
            ChannelOutboundBuffer queued = ch.unsafe().outboundBuffer();
            boolean full = queued == null || queued.totalPendingWriteBytes() > HARD_LIMIT_BYTES;
            if (droppable || full) {
                packet.release();
                if (ch.eventLoop().inEventLoop()) {
                    worker.count(droppable ? WorkerCounter.TCP_OUT_DROPPED_VIDEO : WorkerCounter.TCP_OUT_DROPPED_FULL);
                }
                return false;
            }
        }
        int length = packet.readableBytes();
        ByteBuf framed = ch.alloc().directBuffer(2 + length);
        framed.writeShort(length);
        framed.writeBytes(packet);
        packet.release();
        ch.writeAndFlush(framed, ch.voidPromise());
        return true;
    }

    void close() {
        Channel ch = channel;
        if (ch != null) ch.close();
    }
}
