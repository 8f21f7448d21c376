package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import se.vardmote.media.MediaKind;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * A stream published into a router. Handle returned by {@link Router#publish}.
 *
 * <p>Owns the stream's forwarding state: its bound SSRC (and its RTX SSRC, RFC 4588), its subscriptions (an
 * indexed list, walked per packet without an iterator), its keyframe-request rate limit, and what the server
 * keeps as the stream's receiver: the {@link ReceiveStatistics} its receiver reports carry and, for video, the
 * {@link NackGenerator} that asks the publisher again for what never arrived and the
 * {@link RetransmissionBuffer} that answers the subscribers' NACKs. That state is touched only on the
 * router's event loop; the accessors below are safe from any thread but may lag behind it.
 */
public final class PublishedStream {

    /** RFC 8843 §15.2: the BUNDLE MID header extension. */
    static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** RFC 8852 §3.1, §3.2: the RTP stream id of a simulcast layer, and the one an RTX packet repairs. */
    public static final String RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    final Router router;
    final WebRtcTransport transport;
    final StreamDescription description;
    final boolean video;
    /** Produced inside the server ({@link Router#publishLocal}); never handed to the {@link AudioTap}. */
    final boolean local;
    final int payloadType;
    final int clockRate;
    /** VP8: the router reads its payload descriptor (keyframes, picture ids). */
    final boolean vp8;
    /** The publisher's RTX payload type for the codec, -1 without RTX. */
    final int rtxPayloadType;
    /** Redundant audio (RFC 2198) over {@link #payloadType}; -1 for none. */
    final int redPayloadType;
    final ReceiveStatistics statistics = new ReceiveStatistics();
    /** Video from a browser only; null otherwise. */
    final NackGenerator nacks;
    /** Video only; null otherwise. */
    final RetransmissionBuffer cache;
    /** The publisher's id for the MID extension, 0 when it negotiated none. */
    final int midExtensionId;
    final byte[] mid;
    final ArrayList<Subscription> subscriptions = new ArrayList<>();
    /** This layer's RTP stream id (ASCII), null for a single-layer stream. */
    final byte[] rid;
    /** The publisher's ids for the rid and repaired-rid extensions; 0 when not negotiated. */
    final int ridExtensionId;
    final int repairedRidExtensionId;
    /**
     * Every layer of this simulcast track, this one at {@link #layerIndex}, in the offer's order; null for a
     * single-layer stream. The first layer is the handle {@link Router#publish} returns.
     */
    final PublishedStream[] layers;
    final int layerIndex;
    /** What this layer brings in; rolled by the router's timer. */
    final BitrateMeter bitrate = new BitrateMeter();
    /** Subscriptions waiting for a keyframe of this layer to switch to it (see {@link Subscription#target}). */
    final ArrayList<Subscription> switchers = new ArrayList<>(0);
    /** Pre-built so that a deferred keyframe request allocates nothing when it fires. */
    final Runnable deferredKeyframeTask;

    RouterTransport publisher;
    volatile int ssrc;
    volatile boolean bound;
    volatile int rtxSsrc;
    volatile boolean rtxBound;
    volatile boolean closed;
    boolean keyframeRequested;
    long lastKeyframeRequestNanos;
    /** The picture size its last keyframe gave (VP8); 0 until one has. */
    int frameWidth;
    int frameHeight;
    ScheduledFuture<?> deferredKeyframe;
    /** RFC 5104 §4.3.1.2: FIR command sequence number, per media sender, incremented per new request. */
    int firSequenceNumber;

    PublishedStream(Router router, WebRtcTransport transport, StreamDescription description) {
        this(router, transport, description, null, 0);
    }

    /** Layer {@code index} of {@code layers} (a simulcast track), or a single-layer stream when {@code layers} is null. */
    PublishedStream(Router router, WebRtcTransport transport, StreamDescription description, PublishedStream[] layers,
                    int index) {
        this.router = router;
        this.layers = layers;
        this.layerIndex = index;
        this.rid = layers == null ? null : description.rids().get(index).getBytes(StandardCharsets.US_ASCII);
        Integer ridId = description.extensionIds().get(RID_URI);
        Integer repairedId = description.extensionIds().get(REPAIRED_RID_URI);
        this.ridExtensionId = ridId == null ? 0 : ridId;
        this.repairedRidExtensionId = repairedId == null ? 0 : repairedId;
        this.transport = transport;
        this.description = description;
        this.video = description.kind() == MediaKind.VIDEO;
        this.local = transport instanceof LocalTransport;
        this.payloadType = description.codec().payloadType();
        this.clockRate = description.codec().clockRate();
        this.vp8 = video && "VP8".equalsIgnoreCase(description.codec().name());
        this.rtxPayloadType = description.rtxPayloadType();
        this.redPayloadType = description.redPayloadType();
        this.nacks = video && !local ? new NackGenerator() : null;
        this.cache = video ? new RetransmissionBuffer() : null;
        Integer midId = description.extensionIds().get(MID_URI);
        this.midExtensionId = midId == null ? 0 : midId;
        this.mid = description.mid() == null ? new byte[0] : description.mid().getBytes(StandardCharsets.US_ASCII);
        this.ssrc = layers == null ? (int) description.ssrc() : 0;
        this.bound = layers == null && description.ssrc() != 0;
        this.rtxSsrc = layers == null ? (int) description.rtxSsrc() : 0;
        this.rtxBound = layers == null && description.hasRtx() && description.rtxSsrc() != 0;
        this.deferredKeyframeTask = this::onDeferredKeyframe;
    }

    /**
     * Turns {@code rtp}, an RTX packet of this stream (RFC 4588 §4), into the packet it repairs, in place:
     * the original sequence number from the first two payload octets, the stream's payload type and SSRC,
     * and the header moved up over those two octets. Returns false (and leaves the packet unusable) for a
     * padding-only packet, which a browser sends on its RTX stream to probe bandwidth and which repairs
     * nothing. Mutates the buffer {@code rtp} borrows. Event loop.
     */
    boolean unwrapRtx(RtpPacket rtp) {
        if (rtp.payloadLength() < 2) {
            return false;
        }
        ByteBuf buf = rtp.buffer();
        int start = rtp.offset();
        int header = rtp.headerLength();
        int originalSequence = buf.getUnsignedShort(start + header);
        // Backwards, so the overlapping move never reads a byte it already wrote.
        for (int i = header - 1; i >= 0; i--) {
            buf.setByte(start + 2 + i, buf.getByte(start + i));
        }
        int begin = start + 2;
        buf.setByte(begin + 1, (buf.getByte(begin + 1) & 0x80) | payloadType);
        buf.setShort(begin + 2, originalSequence);
        buf.setInt(begin + 8, ssrc);
        return rtp.wrap(buf, begin, rtp.length() - 2);
    }

    /**
     * Books a packet of this stream into what the server keeps as its receiver, and returns whether to
     * forward it. A repair ({@code repaired}: it came as RTX) is forwarded only when the server was missing
     * that packet: browsers also resend old packets on RTX as bandwidth probes, and subscribers already
     * have those. Event loop; allocates nothing.
     */
    boolean receive(RtpPacket rtp, boolean repaired, long nowNanos) {
        int sequence = rtp.sequenceNumber();
        if (nacks != null) {
            if (repaired) {
                if (!nacks.recover(sequence)) {
                    router.count(RouterCounter.RTX_REDUNDANT);
                    return false;
                }
                router.count(RouterCounter.RTX_RECOVERED);
            } else if (nacks.onPacket(sequence, nowNanos)) {
                router.count(RouterCounter.RTP_GAP_TOO_LARGE);
                requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
            }
        }
        statistics.onPacket(sequence, rtp.timestamp(), nowNanos, clockRate, repaired);
        bitrate.add(rtp.length());
        if (cache != null) {
            cache.store(rtp, nowNanos);
        }
        return true;
    }

    /**
     * Asks the publisher for a keyframe of this stream (PLI, or FIR when {@code fir}), at most once per
     * {@link Router#KEYFRAME_REQUEST_INTERVAL_NANOS}. A request inside the interval is suppressed, and one PLI
     * is sent when the interval ends, so that a subscriber that asked is not left waiting for the encoder's
     * next periodic keyframe (seconds away in Chromium). Counts a sent PLI as {@code counter}. Event loop.
     */
    void requestKeyframe(boolean fir, RouterCounter counter) {
        if (!video) {
            router.count(RouterCounter.RTCP_KEYFRAME_AUDIO_IGNORED);
            return;
        }
        if (!bound || closed) {
            router.count(RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC);
            return;
        }
        long now = router.nanoTime();
        long since = now - lastKeyframeRequestNanos;
        if (keyframeRequested && since < Router.KEYFRAME_REQUEST_INTERVAL_NANOS) {
            router.count(RouterCounter.RTCP_PLI_SUPPRESSED);
            if (deferredKeyframe == null) {
                deferredKeyframe = router.eventLoop().schedule(deferredKeyframeTask,
                        Router.KEYFRAME_REQUEST_INTERVAL_NANOS - since, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (!transport.isConnected()) {
            router.count(RouterCounter.RTCP_DROPPED_NOT_CONNECTED);
            return;
        }
        keyframeRequested = true;
        lastKeyframeRequestNanos = now;
        long mediaSsrc = ssrc & 0xFFFFFFFFL;
        if (fir) {
            ByteBuf out = transport.allocatePacket(PayloadFeedback.FIR_LENGTH);
            firSequenceNumber = (firSequenceNumber + 1) & 0xFF;
            PayloadFeedback.writeFir(out, Router.ROUTER_SSRC, mediaSsrc, firSequenceNumber);
            transport.sendRtcp(out);
            router.count(RouterCounter.RTCP_FIR_FORWARDED);
        } else {
            ByteBuf out = transport.allocatePacket(PayloadFeedback.PLI_LENGTH);
            PayloadFeedback.writePli(out, Router.ROUTER_SSRC, mediaSsrc);
            transport.sendRtcp(out);
            router.count(counter);
        }
    }

    /**
     * The suppressed request's PLI, at the end of the interval, if anyone still receives this stream or waits to
     * switch to it (a simulcast layer nobody receives yet: without the keyframe the switch would wait for the
     * encoder's own, which Chromium's layers may never send).
     */
    private void onDeferredKeyframe() {
        deferredKeyframe = null;
        if (!router.isClosed() && !closed && !(subscriptions.isEmpty() && switchers.isEmpty())) {
            requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    /**
     * A keyframe of this layer begins: the subscriptions waiting for it ({@link #switchers}) switch now, before
     * it is forwarded. Event loop; allocates nothing.
     */
    void completeSwitches() {
        ArrayList<Subscription> waiting = switchers;
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Subscription subscription = waiting.remove(i);
            if (subscription.closed || subscription.target != this) {
                continue;
            }
            subscription.target = null;
            PublishedStream from = subscription.stream;
            if (from != this) {
                from.subscriptions.remove(subscription);
                subscriptions.add(subscription);
            }
            subscription.paused = false;
            subscription.switchTo(this);
            router.count(RouterCounter.SIMULCAST_SWITCHED);
        }
    }

    /** True for a layer of a simulcast track. */
    boolean isLayer() {
        return layers != null;
    }

    /** How the publisher negotiated the stream. Any thread. */
    public StreamDescription description() {
        return description;
    }

    /** The transport the stream arrives on. Any thread. */
    public WebRtcTransport transport() {
        return transport;
    }

    /** The publisher's SSRC (unsigned), or 0 while it is not yet bound by MID. Any thread; may lag. */
    public long ssrc() {
        return bound ? ssrc & 0xFFFFFFFFL : 0;
    }

    /** True when the server produces this stream itself ({@link Router#publishLocal}). Any thread. */
    public boolean isLocal() {
        return local;
    }

    /** True once unpublished (or its transport removed). Any thread; may lag. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "PublishedStream[" + description.kind().sdpName() + " mid=" + description.mid()
                + " on " + transport.id() + "]";
    }
}
