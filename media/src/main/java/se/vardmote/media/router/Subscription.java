package se.vardmote.media.router;

import java.util.Map;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * One subscriber's view of one published stream. Handle returned by {@link Router#subscribe}.
 *
 * <p>Owns what is rewritten for this subscriber: its SSRC and payload type, the table from the publisher's
 * header-extension ids to the subscriber's, and the sequence-number and timestamp offsets. The offsets are
 * re-based on the first packet after {@link Router#switchStream} so that the subscriber sees one continuous
 * stream across a re-publish (its decoder is not reset, RFC 3550 §8.2 SSRC change avoided).
 * Forwarding state is touched only on the router's event loop; the accessors are safe from any thread.
 */
public final class Subscription {

    final Router router;
    final WebRtcTransport transport;
    final SubscriberParameters parameters;
    final int ssrc;
    final int payloadType;
    /** Publisher extension id (1..255) to subscriber id; 0 strips the element. */
    final byte[] extensionIdMap = new byte[256];

    RouterTransport subscriber;
    volatile PublishedStream stream;
    volatile boolean closed;
    /** False until the first packet is forwarded, and again after a switch: offsets then get (re)computed. */
    boolean offsetsValid;
    /** Added to the publisher's sequence number, mod 2^16. */
    int sequenceOffset;
    /** Added to the publisher's RTP timestamp, mod 2^32. */
    int timestampOffset;
    boolean anySent;
    int highestSequence;
    int highestTimestamp;
    long highestNanos;

    Subscription(Router router, WebRtcTransport transport, PublishedStream stream, SubscriberParameters parameters) {
        this.router = router;
        this.transport = transport;
        this.stream = stream;
        this.parameters = parameters;
        this.ssrc = (int) parameters.ssrc();
        this.payloadType = parameters.payloadType();
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType + " is not 0..127");
        }
        mapExtensions(stream);
    }

    /** Rebuilds the extension-id table for {@code from}'s ids. Event loop (or before registration). */
    void mapExtensions(PublishedStream from) {
        java.util.Arrays.fill(extensionIdMap, (byte) 0);
        for (Map.Entry<String, Integer> e : from.description.extensionIds().entrySet()) {
            Integer to = parameters.extensionIds().get(e.getKey());
            int fromId = e.getValue();
            if (to != null && fromId >= 1 && fromId <= 255 && to >= 1 && to <= 255) {
                extensionIdMap[fromId] = (byte) (int) to;
            }
        }
    }

    /**
     * Points this subscription at {@code next} (a re-publish); the next packet re-bases the offsets.
     * Event loop.
     */
    void switchTo(PublishedStream next) {
        stream = next;
        mapExtensions(next);
        offsetsValid = false;
    }

    /** Sets the offsets so that {@code sequenceNumber}/{@code timestamp} follow what was sent last. Event loop. */
    void rebase(int sequenceNumber, int timestamp, long nowNanos, int clockRate) {
        if (!anySent) {
            sequenceOffset = 0;
            timestampOffset = 0;
        } else {
            sequenceOffset = (highestSequence + 1 - sequenceNumber) & 0xFFFF;
            // Advance the timestamp by the wall-clock time since the last packet (at least one tick), so the
            // receiver's jitter estimate sees no jump (RFC 3550 §6.4.1).
            long elapsedMicros = Math.min(Math.max(0, nowNanos - highestNanos) / 1_000, 86_400_000_000L);
            long ticks = Math.max(1, elapsedMicros * clockRate / 1_000_000L);
            timestampOffset = (int) (highestTimestamp + ticks - timestamp);
        }
        offsetsValid = true;
    }

    /** Records a forwarded packet's outgoing sequence number and timestamp. Event loop. */
    void sent(int outSequence, int outTimestamp, long nowNanos) {
        if (!anySent || isNewer(outSequence, highestSequence)) {
            highestSequence = outSequence;
            highestTimestamp = outTimestamp;
            highestNanos = nowNanos;
        }
        anySent = true;
    }

    /** RFC 3550 Appendix A.1 style: {@code a} is after {@code b} in 16-bit sequence space. */
    static boolean isNewer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }

    /** How the subscriber receives the stream. Any thread. */
    public SubscriberParameters parameters() {
        return parameters;
    }

    /** The stream currently forwarded. Any thread; may lag. */
    public PublishedStream stream() {
        return stream;
    }

    /** The subscriber's transport. Any thread. */
    public WebRtcTransport transport() {
        return transport;
    }

    /** True once unsubscribed (or its stream or transport removed). Any thread; may lag. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Subscription[ssrc=" + (ssrc & 0xFFFFFFFFL) + " on " + transport.id() + "]";
    }
}
