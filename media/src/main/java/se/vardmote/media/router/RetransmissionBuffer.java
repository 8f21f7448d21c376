package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import se.vardmote.media.rtp.RtpPacket;

/**
 * The last {@link #SLOTS} packets of one published video stream, as they arrived (plaintext, before any
 * per-subscriber rewrite), so that a subscriber's NACK is answered by the server instead of travelling to
 * the publisher and back (mediasoup's RtpRetransmissionBuffer, Jitsi's packet cache). One slot per sequence
 * number modulo {@link #SLOTS}, each {@link #SLOT_BYTES} long, in one buffer allocated when the first packet
 * arrives; storing and finding a packet copy bytes and allocate nothing.
 * Owned by the router's event loop; not thread-safe.
 */
final class RetransmissionBuffer {

    /** About 1 s of video at 2.5 Mbit/s (384 KiB a stream); a NACK for anything older is better answered by a keyframe. */
    static final int SLOTS = 256;
    /** The largest packet kept (the server's receive limit is 1500). */
    static final int SLOT_BYTES = 1500;
    /** A packet older than this is not resent: the subscriber's jitter buffer has given up on it. */
    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private ByteBuf storage;
    private final int[] sequence = new int[SLOTS];
    private final int[] length = new int[SLOTS];
    private final long[] storedNanos = new long[SLOTS];

    /** Keeps a copy of {@code rtp} (unless it is too large). Borrows {@code rtp}'s buffer. */
    void store(RtpPacket rtp, long nowNanos) {
        int len = rtp.length();
        if (len > SLOT_BYTES) {
            return;
        }
        if (storage == null) {
            storage = Unpooled.buffer(SLOTS * SLOT_BYTES, SLOTS * SLOT_BYTES);
            storage.writerIndex(SLOTS * SLOT_BYTES);
        }
        int seq = rtp.sequenceNumber();
        int slot = seq & (SLOTS - 1);
        storage.setBytes(slot * SLOT_BYTES, rtp.buffer(), rtp.offset(), len);
        sequence[slot] = seq;
        length[slot] = len;
        storedNanos[slot] = nowNanos;
    }

    /**
     * Points {@code view} at the kept packet with sequence number {@code seq} and returns true, or returns
     * false when it is not kept (never arrived, overwritten, or too old). The view borrows this buffer's
     * storage until the next {@link #store}.
     */
    boolean find(int seq, long nowNanos, RtpPacket view) {
        if (storage == null) {
            return false;
        }
        int slot = seq & (SLOTS - 1);
        if (length[slot] == 0 || sequence[slot] != seq || nowNanos - storedNanos[slot] > MAX_AGE_NANOS) {
            return false;
        }
        return view.wrap(storage, slot * SLOT_BYTES, length[slot]);
    }

    /** Frees the storage. */
    void release() {
        if (storage != null) {
            storage.release();
            storage = null;
        }
    }
}
