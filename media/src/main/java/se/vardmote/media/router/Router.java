package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RedPayload;
import se.vardmote.media.rtp.Vp8Descriptor;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.TransportFactory;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * Forwards the RTP and RTCP of one room: from each published stream to its subscriptions, with
 * payload types, header-extension ids, SSRC, sequence numbers and timestamps rewritten per subscriber;
 * publishers' RTX is unwrapped into the packets it repairs. What peers send over RTCP is handled by
 * {@link RtcpIngress} (NACKs answered from each video stream's retransmission buffer, PLI/FIR sent upstream
 * through the stream's own rate limit, {@link PublishedStream#requestKeyframe}). As every publisher's receiver,
 * the router sends them transport-cc feedback, NACKs and receiver reports ({@link ReceiverFeedback}).
 * Owned by one worker's event loop. Public methods are safe from any thread (they hop onto the loop).
 *
 * <p>All forwarding state (the transports, streams, subscriptions, the reusable packet views and the
 * counters) lives on the loop and takes no lock. The per-packet path allocates nothing but the pooled
 * buffers the subscriber transports hand out: indexed loops over {@link ArrayList}s, int-keyed maps, no
 * lambdas, no logging (drops are counted by reason, see {@link #counters()}).
 */
public final class Router {

    /** One keyframe request per stream per this interval (avoids PLI storms when many subscribers join). */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** SSRC this router uses as the sender of the RTCP it originates (RFC 4585 §6.1 "SSRC of packet sender"). */
    static final int ROUTER_SSRC = 1;
    /** The transport-wide sequence number header extension that transport-cc feedback reports on. */
    /** abs-send-time (webrtc.org): the server writes its own send time into what it forwards (see Subscription). */
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC_URI =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private final EventLoop loop;
    private final TransportFactory transports;
    private final LongSupplier nanoClock;
    private final Ingress ingress = new Ingress();
    private final IdentityHashMap<WebRtcTransport, RouterTransport> byTransport = new IdentityHashMap<>();
    /** The values of {@link #byTransport}, walked by the feedback timer without an iterator. */
    private final ArrayList<RouterTransport> transportList = new ArrayList<>();
    private final ReceiverFeedback feedback = new ReceiverFeedback(this);
    private final long epochNanos;
    private ScheduledFuture<?> feedbackTimer;
    private final long[] counts = new long[RouterCounter.ALL.length];

    // Reusable views: the loop handles one packet at a time.
    private final RtpPacket rtp = new RtpPacket();
    private final RtpHeaderExtension extension = new RtpHeaderExtension();
    private final Vp8Descriptor vp8 = new Vp8Descriptor();
    private final RedPayload red = new RedPayload();
    private final RtcpIngress rtcp;

    /** The audio mixer's tap, as installed (any thread reads it); {@link #tapOnLoop} is the loop's copy. */
    private final java.util.concurrent.atomic.AtomicReference<AudioTap> audioTap =
            new java.util.concurrent.atomic.AtomicReference<>();
    private AudioTap tapOnLoop;

    /**
     * The fresh downlink estimates of this router's subscribers (bits per second, no identity), refreshed every
     * rate window; {@link #estimateCount} of them are valid. Written on the loop, read anywhere (may lag).
     */
    private volatile long[] estimates = new long[0];
    private volatile int estimateCount;

    private volatile int streamCount;
    private volatile int subscriptionCount;
    /** Written on the loop; volatile so that {@link #isClosed()} can read it anywhere. Never read per packet. */
    private volatile boolean closed;

    /**
     * A router on {@code loop} whose transports come from {@code transports} (a worker on that loop).
     * MediaEngine uses {@code new Router(worker.eventLoop(), worker)}; tests pass fakes.
     */
    public Router(EventLoop loop, TransportFactory transports) {
        this(loop, transports, System::nanoTime);
        onLoop(() -> {
            if (!closed) {
                long interval = ReceiverFeedback.INTERVAL_NANOS;
                feedbackTimer = loop.scheduleAtFixedRate(this::sendFeedback, interval, interval, TimeUnit.NANOSECONDS);
            }
        });
    }

    /**
     * As the public constructor, with the clock the router reads, and no feedback timer: a test calls
     * {@link #sendFeedback()} on the loop itself.
     */
    Router(EventLoop loop, TransportFactory transports, LongSupplier nanoClock) {
        this.loop = loop;
        this.transports = transports;
        this.nanoClock = nanoClock;
        this.rtcp = new RtcpIngress(this, nanoClock);
        this.epochNanos = nanoClock.getAsLong();
    }

    /** A transport on this router's worker whose packets this router handles. */
    public WebRtcTransport createTransport() {
        WebRtcTransport transport = transports.createTransport(ingress);
        onLoop(() -> {
            if (closed) {
                transport.close();
            } else {
                stateOf(transport);
            }
        });
        return transport;
    }

    /**
     * Starts accepting a stream the publisher sends on {@code transport}. For a simulcast description each
     * layer is a stream of its own (its SSRC, RTX, receiver statistics, NACKs and retransmission buffer);
     * the handle returned is the first layer, and subscribing to it or unpublishing it means the whole track.
     */
    public PublishedStream publish(WebRtcTransport transport, StreamDescription description) {
        if (!description.isSimulcast()) {
            PublishedStream stream = new PublishedStream(this, transport, description);
            onLoop(() -> register(stream));
            return stream;
        }
        PublishedStream[] layers = new PublishedStream[description.rids().size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new PublishedStream(this, transport, description, layers, i);
        }
        onLoop(() -> {
            for (PublishedStream layer : layers) {
                register(layer);
            }
        });
        return layers[0];
    }

    /** Forwards {@code stream} to {@code transport}; asks the publisher for a keyframe. */
    public Subscription subscribe(WebRtcTransport transport, PublishedStream stream, SubscriberParameters parameters) {
        Subscription subscription = new Subscription(this, transport, stream, parameters);
        onLoop(() -> register(subscription));
        return subscription;
    }

    /**
     * Switches {@code subscription} to {@code stream} (a re-publish of the same track, for example after the
     * publisher reconnected): the subscriber keeps its SSRC and sees continuous sequence numbers and
     * timestamps; a keyframe is requested from the new stream. Switch before unpublishing the old stream,
     * since unpublishing removes the subscriptions still attached to it.
     */
    public void switchStream(Subscription subscription, PublishedStream stream) {
        onLoop(() -> doSwitch(subscription, stream));
    }

    /**
     * {@code subscription}'s subscriber decodes redundant audio (RFC 2198) under {@code payloadType}, as its
     * answer said: redundant audio reaches it as it came. Before this (and with -1) it gets the primary block.
     */
    public void acceptRed(Subscription subscription, int payloadType) {
        if (payloadType < -1 || payloadType > 127 || payloadType == subscription.payloadType) {
            throw new IllegalArgumentException("red payload type " + payloadType + " is not 0..127 (or -1), apart from "
                    + subscription.payloadType);
        }
        onLoop(() -> subscription.redPayloadType = payloadType);
    }

    /**
     * The subscriber shows {@code subscription}'s video {@code width} x {@code height} CSS pixels large (0 x 0:
     * it does not say): of a simulcast track it then gets no layer larger than the smallest that fills that
     * size, whatever its downlink would take. Any thread.
     */
    public void setViewSize(Subscription subscription, int width, int height) {
        if (width < 0 || height < 0 || width > MAX_VIEW_PIXELS || height > MAX_VIEW_PIXELS) {
            throw new IllegalArgumentException("view size " + width + "x" + height + " is not 0.." + MAX_VIEW_PIXELS);
        }
        onLoop(() -> {
            subscription.viewGrew |= width > subscription.viewWidth || height > subscription.viewHeight;
            subscription.viewWidth = width;
            subscription.viewHeight = height;
        });
    }

    /** The largest view side {@link #setViewSize} takes (an 8K screen's width). */
    public static final int MAX_VIEW_PIXELS = 8192;

    public void unpublish(PublishedStream stream) {
        onLoop(() -> removeStream(stream));
    }

    public void unsubscribe(Subscription subscription) {
        onLoop(() -> removeSubscription(subscription));
    }

    /** Closes the transport and drops every stream and subscription on it. */
    public void removeTransport(WebRtcTransport transport) {
        onLoop(() -> {
            RouterTransport state = forget(transport);
            if (state != null) {
                dropAll(state);
            }
            transport.close();
        });
    }

    /**
     * Publishes a stream the server produces itself (a phone caller's voice): it has no transport of its own,
     * its packets are handed in with {@link #injectLocal}, and subscribers receive it like any other stream.
     * {@code description.ssrc()} must be non-zero. End it with {@link #unpublish}. Any thread.
     */
    public PublishedStream publishLocal(StreamDescription description) {
        if (description.ssrc() == 0) {
            throw new IllegalArgumentException("a local stream needs its SSRC");
        }
        LocalTransport transport = new LocalTransport("local-" + Long.toHexString(description.ssrc()), loop);
        PublishedStream stream = new PublishedStream(this, transport, description);
        onLoop(() -> register(stream));
        return stream;
    }

    /**
     * Forwards one plaintext RTP packet of a {@link #publishLocal local} stream to its subscribers, exactly as
     * if its publisher had sent it (the packet's SSRC must be the stream's). Borrows {@code packet}: the
     * caller still owns and releases it. Event loop only ({@link #eventLoop()}); allocates nothing beyond the
     * subscribers' pooled buffers.
     */
    public void injectLocal(PublishedStream stream, ByteBuf packet) {
        if (!stream.local || stream.router != this) {
            throw new IllegalArgumentException("not a local stream of this router");
        }
        onRtp(stream.transport, packet);
    }

    /**
     * Installs {@code tap} in place of {@code expected} (compare-and-set; {@code null} for none) and returns
     * whether it did. The tap hears every browser audio packet from the next packet on. Any thread.
     */
    public boolean installAudioTap(AudioTap expected, AudioTap tap) {
        if (!audioTap.compareAndSet(expected, tap)) {
            return false;
        }
        onLoop(() -> tapOnLoop = audioTap.get());
        return true;
    }

    /** The installed audio tap, or null. Any thread. */
    public AudioTap audioTap() {
        return audioTap.get();
    }

    /** The event loop that owns this router; {@link #injectLocal} and the {@link AudioTap} run on it. Any thread. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** True once {@link #close()} has run. Any thread; may lag. */
    public boolean isClosed() {
        return closed;
    }

    /** Counters of this router ({@code rtp.forwarded}, {@code rtcp.pli.sent}, ...). Any thread; may lag. */
    public Map<String, Long> counters() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        for (RouterCounter c : RouterCounter.ALL) {
            snapshot.put(c.key, counts[c.ordinal()]);
        }
        return snapshot;
    }

    /** Published streams currently registered. Any thread; may lag. */
    public int streamCount() {
        return streamCount;
    }

    /** Subscriptions currently registered. Any thread; may lag. */
    public int subscriptionCount() {
        return subscriptionCount;
    }

    /** Closes every transport; the router is not usable afterwards. */
    public void close() {
        onLoop(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (feedbackTimer != null) {
                feedbackTimer.cancel(false);
                feedbackTimer = null;
            }
            ArrayList<RouterTransport> all = new ArrayList<>(transportList);
            byTransport.clear();
            transportList.clear();
            for (int i = 0; i < all.size(); i++) {
                dropAll(all.get(i));
            }
            for (int i = 0; i < all.size(); i++) {
                all.get(i).transport.close();
            }
        });
    }

    // ---------------------------------------------------------------- control plane (event loop)

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private RouterTransport stateOf(WebRtcTransport transport) {
        RouterTransport state = byTransport.get(transport);
        if (state == null) {
            state = new RouterTransport(transport);
            byTransport.put(transport, state);
            transportList.add(state);
        }
        return state;
    }

    private RouterTransport forget(WebRtcTransport transport) {
        RouterTransport state = byTransport.remove(transport);
        if (state != null) {
            transportList.remove(state);
        }
        return state;
    }

    /** Bumps one counter. Event loop; allocates nothing. */
    /** The router's clock. */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    void count(RouterCounter counter) {
        counts[counter.ordinal()]++;
    }

    /** The feedback timer's tick: see {@link ReceiverFeedback}. Event loop. */
    void sendFeedback() {
        if (!closed) {
            feedback.tick(transportList, nanoClock.getAsLong());
        }
    }

    private void register(PublishedStream stream) {
        if (closed || stream.closed) {
            stream.closed = true;
            return;
        }
        RouterTransport state = stateOf(stream.transport);
        stream.publisher = state;
        state.published.add(stream);
        if (stream.bound) {
            state.publishedBySsrc.put(stream.ssrc, stream);
        }
        if (stream.rtxBound) {
            state.publishedByRtxSsrc.put(stream.rtxSsrc, stream);
        }
        if (!stream.bound || (stream.rtxPayloadType >= 0 && !stream.rtxBound)) {
            state.unbound.add(stream);
        }
        Integer transportCc = stream.description.extensionIds().get(TRANSPORT_CC_URI);
        if (!stream.local && transportCc != null && transportCc >= 1 && transportCc <= 14
                && state.transportCcExtensionId == 0) {
            state.transportCcExtensionId = transportCc;
            state.transportCc = new TransportCcGenerator(epochNanos);
        }
        streamCount++;
    }

    private void register(Subscription subscription) {
        PublishedStream stream = subscription.stream;
        if (closed || subscription.closed || stream.closed || stream.publisher == null) {
            subscription.closed = true;
            return;
        }
        RouterTransport state = stateOf(subscription.transport);
        subscription.subscriber = state;
        state.subscriptions.add(subscription);
        state.subscriptionsBySsrc.put(subscription.ssrc, subscription);
        stream.subscriptions.add(subscription);
        if (stream.isLayer() && state.layers == null) {
            state.layers = new LayerAllocation(this, nanoClock.getAsLong());
        }
        subscriptionCount++;
        // A new subscriber needs a keyframe to start decoding. If its transport is not connected yet, the
        // request waits for onConnected: a keyframe now would arrive before it can be received and would use
        // up the rate limit that the useful request needs.
        if (subscription.transport.isConnected()) {
            stream.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    private void doSwitch(Subscription subscription, PublishedStream next) {
        if (closed || subscription.closed || subscription.subscriber == null) {
            return;
        }
        if (next.closed || next.publisher == null) {
            removeSubscription(subscription);
            return;
        }
        PublishedStream previous = subscription.stream;
        if (previous == next) {
            return;
        }
        previous.subscriptions.remove(subscription);
        clearTarget(subscription);
        subscription.paused = false;
        subscription.switchTo(next);
        next.subscriptions.add(subscription);
        if (subscription.transport.isConnected()) {
            next.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    private void removeStream(PublishedStream stream) {
        if (stream.layers == null) {
            removeLayer(stream);
        } else {
            for (PublishedStream layer : stream.layers) {
                removeLayer(layer);
            }
        }
    }

    private void removeLayer(PublishedStream stream) {
        if (stream.closed) {
            return;
        }
        stream.closed = true;
        for (int i = stream.switchers.size() - 1; i >= 0; i--) {
            stream.switchers.get(i).target = null;
        }
        stream.switchers.clear();
        RouterTransport state = stream.publisher;
        if (state == null) {
            return; // never registered
        }
        state.published.remove(stream);
        state.unbound.remove(stream);
        if (stream.bound && state.publishedBySsrc.get(stream.ssrc) == stream) {
            state.publishedBySsrc.remove(stream.ssrc);
        }
        if (stream.rtxBound && state.publishedByRtxSsrc.get(stream.rtxSsrc) == stream) {
            state.publishedByRtxSsrc.remove(stream.rtxSsrc);
        }
        if (stream.cache != null) {
            stream.cache.release();
        }
        for (int i = stream.subscriptions.size() - 1; i >= 0; i--) {
            removeSubscription(stream.subscriptions.get(i));
        }
        if (stream.deferredKeyframe != null) {
            stream.deferredKeyframe.cancel(false);
            stream.deferredKeyframe = null;
        }
        streamCount--;
        if (stream.local && state.published.isEmpty() && state.subscriptions.isEmpty()) {
            forget(state.transport); // a local transport exists for its one stream only
            state.transport.close();
        }
    }

    private void removeSubscription(Subscription subscription) {
        if (subscription.closed) {
            return;
        }
        subscription.closed = true;
        RouterTransport state = subscription.subscriber;
        if (state == null) {
            return; // never registered
        }
        subscription.stream.subscriptions.remove(subscription);
        clearTarget(subscription);
        state.subscriptions.remove(subscription);
        if (state.subscriptionsBySsrc.get(subscription.ssrc) == subscription) {
            state.subscriptionsBySsrc.remove(subscription.ssrc);
        }
        subscriptionCount--;
    }

    private void dropAll(RouterTransport state) {
        // Removing one layer of a simulcast track removes them all: the index is kept within the list.
        for (int i = state.published.size() - 1; i >= 0; i = Math.min(i - 1, state.published.size() - 1)) {
            removeStream(state.published.get(i));
        }
        for (int i = state.subscriptions.size() - 1; i >= 0; i--) {
            removeSubscription(state.subscriptions.get(i));
        }
    }

    // ---------------------------------------------------------------- keyframe requests (event loop)

    // ---------------------------------------------------------------- simulcast layers (event loop)

    /**
     * Makes {@code layer} (of the track {@code subscription} receives) the one it switches to at that layer's
     * next keyframe, which is asked for; the layer it has flows until then. Choosing the current layer
     * cancels a pending switch (and resumes a paused subscription at the next keyframe).
     */
    void chooseLayer(Subscription subscription, PublishedStream layer) {
        if (layer == subscription.stream && !subscription.paused) {
            clearTarget(subscription);
            return;
        }
        if (subscription.target == layer) {
            return;
        }
        clearTarget(subscription);
        subscription.target = layer;
        layer.switchers.add(subscription);
        layer.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
    }

    /** Holds back {@code subscription}'s video until a layer is chosen for it again. */
    void pauseVideo(Subscription subscription) {
        clearTarget(subscription);
        subscription.paused = true;
    }

    private static void clearTarget(Subscription subscription) {
        if (subscription.target != null) {
            subscription.target.switchers.remove(subscription);
            subscription.target = null;
        }
    }

    /** A keyframe of {@code layer} begins: the subscriptions waiting for it switch now, before it is forwarded. */
    private void completeSwitches(PublishedStream layer) {
        ArrayList<Subscription> waiting = layer.switchers;
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Subscription subscription = waiting.remove(i);
            if (subscription.closed || subscription.target != layer) {
                continue;
            }
            subscription.target = null;
            PublishedStream from = subscription.stream;
            if (from != layer) {
                from.subscriptions.remove(subscription);
                layer.subscriptions.add(subscription);
            }
            subscription.paused = false;
            subscription.switchTo(layer);
            counts[RouterCounter.SIMULCAST_SWITCHED.ordinal()]++;
        }
    }

    /** Every window: the layers' and subscribers' rates roll over, then each subscriber's layers are chosen. */
    void allocateLayers(ArrayList<RouterTransport> transports, long nowNanos) {
        for (int i = 0; i < transports.size(); i++) {
            RouterTransport state = transports.get(i);
            state.sent.roll();
            for (int j = 0; j < state.published.size(); j++) {
                state.published.get(j).bitrate.roll();
            }
        }
        int count = 0;
        long[] out = estimates;
        for (int i = 0; i < transports.size(); i++) {
            RouterTransport state = transports.get(i);
            if (state.layers != null) {
                state.layers.allocate(state, nowNanos);
            }
            if (!state.subscriptions.isEmpty() && state.hasDownlinkEstimate
                    && nowNanos - state.downlinkEstimateNanos <= ReceiverFeedback.ESTIMATE_FRESH_NANOS) {
                if (count == out.length) {
                    out = java.util.Arrays.copyOf(out, Math.max(4, count * 2));
                    estimates = out;
                }
                out[count++] = state.downlinkEstimate;
            }
        }
        estimateCount = count;
    }

    /**
     * Adds each subscriber's current downlink estimate (bits per second, from its browser's REMB) to
     * {@code sink}. Any thread; may lag by a rate window.
     */
    public void subscriberEstimates(java.util.function.LongConsumer sink) {
        long[] values = estimates;
        int n = Math.min(estimateCount, values.length);
        for (int i = 0; i < n; i++) {
            sink.accept(values[i]);
        }
    }

    // ---------------------------------------------------------------- RTP (event loop, hot path)

    private void onRtp(WebRtcTransport from, ByteBuf packet) {
        RouterTransport state = byTransport.get(from);
        if (state == null) {
            counts[RouterCounter.RTP_DROPPED_UNKNOWN_SSRC.ordinal()]++;
            return;
        }
        RtpPacket rtp = this.rtp;
        if (!rtp.wrap(packet)) {
            counts[RouterCounter.RTP_DROPPED_MALFORMED.ordinal()]++;
            return;
        }
        long now = nanoClock.getAsLong();
        // Every packet counts for congestion control, padding and retransmissions included.
        if (state.transportCc != null && rtp.findExtension(state.transportCcExtensionId, extension)
                && extension.dataLength() == 2) {
            state.transportCc.onPacket(rtp.buffer().getUnsignedShort(extension.dataOffset()), rtp.ssrcInt(), now);
        }
        int ssrc = rtp.ssrcInt();
        PublishedStream stream = state.publishedBySsrc.get(ssrc);
        if (stream == null) {
            stream = state.publishedByRtxSsrc.get(ssrc);
            if (stream == null) {
                stream = bindByMid(state, rtp);
                if (stream == null) {
                    counts[RouterCounter.RTP_DROPPED_UNKNOWN_SSRC.ordinal()]++;
                    return;
                }
            }
        }
        boolean repaired = false;
        if (stream.rtxBound && ssrc == stream.rtxSsrc && (ssrc != stream.ssrc || !stream.bound)) {
            if (rtp.payloadType() != stream.rtxPayloadType) {
                counts[RouterCounter.RTP_DROPPED_PAYLOAD_TYPE.ordinal()]++;
                return;
            }
            if (!stream.bound) {
                counts[RouterCounter.RTP_DROPPED_UNKNOWN_SSRC.ordinal()]++;
                return;
            }
            if (!stream.unwrapRtx(rtp)) {
                counts[RouterCounter.RTX_PADDING.ordinal()]++;
                return;
            }
            repaired = true;
        }
        // Only the one codec the subscribers were offered, or its redundant audio, goes out: FEC and the
        // rest would reach a subscriber under a payload type it never negotiated.
        RedPayload redundant = null;
        if (rtp.payloadType() != stream.payloadType) {
            if (stream.redPayloadType < 0 || rtp.payloadType() != stream.redPayloadType) {
                counts[RouterCounter.RTP_DROPPED_PAYLOAD_TYPE.ordinal()]++;
                return;
            }
            if (!red.wrap(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength())
                    || red.primaryPayloadType() != stream.payloadType) {
                counts[RouterCounter.RTP_DROPPED_RED_MALFORMED.ordinal()]++;
                return;
            }
            redundant = red;
        }
        if (!stream.local && !stream.receive(rtp, repaired, now)) {
            return;
        }
        AudioTap tap = tapOnLoop;
        if (tap != null && !stream.video && !stream.local) {
            if (redundant != null) tap.onAudio(stream, rtp, redundant.primaryOffset(), redundant.primaryLength());
            else tap.onAudio(stream, rtp, rtp.payloadOffset(), rtp.payloadLength());
        }
        Vp8Descriptor descriptor = null;
        if (stream.vp8 && vp8.wrap(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength())) {
            descriptor = vp8;
            if (vp8.keyframeStart()) {
                if (vp8.keyframeWidth() > 0) {
                    stream.frameWidth = vp8.keyframeWidth();
                    stream.frameHeight = vp8.keyframeHeight();
                }
                if (!stream.switchers.isEmpty()) completeSwitches(stream);
            }
        }
        ArrayList<Subscription> subscriptions = stream.subscriptions;
        int n = subscriptions.size();
        RtpHeaderExtension ext = extension;
        for (int i = 0; i < n; i++) {
            subscriptions.get(i).forward(rtp, ext, descriptor, redundant, now);
        }
    }

    /**
     * RFC 8843 §15: an SSRC not signalled in SDP is associated with its m-section by the MID extension, and
     * by the payload type with the stream itself or with its RTX stream. A simulcast layer is found by its
     * RTP stream id (RFC 8852 §3.1; an RTX packet by its repaired-rid, §3.2), with the MID, when the packet
     * carries one, naming the layer's section.
     */
    private PublishedStream bindByMid(RouterTransport state, RtpPacket rtp) {
        ArrayList<PublishedStream> unbound = state.unbound;
        int pt = rtp.payloadType();
        for (int i = 0; i < unbound.size(); i++) {
            PublishedStream candidate = unbound.get(i);
            boolean media = !candidate.bound && pt == candidate.payloadType;
            boolean rtx = !candidate.rtxBound && candidate.rtxPayloadType >= 0 && pt == candidate.rtxPayloadType;
            if (candidate.midExtensionId == 0 || !(media || rtx)) {
                continue;
            }
            boolean hasMid = rtp.findExtension(candidate.midExtensionId, extension);
            if (hasMid && !bytesEqual(rtp.buffer(), extension.dataOffset(), extension.dataLength(), candidate.mid)) {
                continue;
            }
            if (candidate.rid == null) {
                if (!hasMid) {
                    continue;
                }
            } else {
                int ridId = media ? candidate.ridExtensionId : candidate.repairedRidExtensionId;
                if (ridId == 0 || !rtp.findExtension(ridId, extension)
                        || !bytesEqual(rtp.buffer(), extension.dataOffset(), extension.dataLength(), candidate.rid)) {
                    continue;
                }
            }
            int ssrc = rtp.ssrcInt();
            if (state.publishedBySsrc.get(ssrc) != null || state.publishedByRtxSsrc.get(ssrc) != null) {
                return null;
            }
            if (media) {
                candidate.ssrc = ssrc;
                candidate.bound = true;
                state.publishedBySsrc.put(ssrc, candidate);
            } else {
                candidate.rtxSsrc = ssrc;
                candidate.rtxBound = true;
                state.publishedByRtxSsrc.put(ssrc, candidate);
            }
            if (candidate.bound && (candidate.rtxPayloadType < 0 || candidate.rtxBound)) {
                unbound.remove(i);
            }
            counts[(candidate.rid == null ? RouterCounter.RTP_SSRC_BOUND_BY_MID : RouterCounter.RTP_SSRC_BOUND_BY_RID)
                    .ordinal()]++;
            return candidate;
        }
        return null;
    }

    private static boolean bytesEqual(ByteBuf buf, int offset, int length, byte[] mid) {
        if (length != mid.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(offset + i) != mid[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- RTCP (event loop)

    private void onRtcp(WebRtcTransport from, ByteBuf packet) {
        RouterTransport state = byTransport.get(from);
        if (state == null) {
            counts[RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC.ordinal()]++;
            return;
        }
        rtcp.receive(state, packet);
    }

    // ---------------------------------------------------------------- transport events (event loop)

    private void onConnected(WebRtcTransport transport) {
        RouterTransport state = byTransport.get(transport);
        if (state == null) {
            return;
        }
        ArrayList<Subscription> subscriptions = state.subscriptions;
        for (int i = 0; i < subscriptions.size(); i++) {
            subscriptions.get(i).stream.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    private void onClosed(WebRtcTransport transport) {
        RouterTransport state = forget(transport);
        if (state != null) {
            dropAll(state);
        }
    }

    /** The router as every transport it creates sees it. Calls arrive on the loop. */
    private final class Ingress implements RtpReceiver {
        @Override
        public void onRtp(WebRtcTransport from, ByteBuf packet) {
            Router.this.onRtp(from, packet);
        }

        @Override
        public void onRtcp(WebRtcTransport from, ByteBuf packet) {
            Router.this.onRtcp(from, packet);
        }

        @Override
        public void onConnected(WebRtcTransport transport) {
            Router.this.onConnected(transport);
        }

        @Override
        public void onClosed(WebRtcTransport transport, String reason) {
            Router.this.onClosed(transport);
        }
    }
}
