package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.TransportFactory;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * Forwards the RTP and RTCP of one room: from each published stream to its subscriptions, with
 * payload types, header-extension ids, SSRC, sequence numbers and timestamps rewritten per subscriber.
 * This class is the room's handle on the media plane and the owner of the pieces, each one concept:
 * {@link StreamRegistry} (which transports, streams and subscriptions there are), {@link RtpForwarder} (the
 * relay's hot path; per-stream work lives with {@link PublishedStream}, per-subscriber rewriting with
 * {@link Subscription}), {@link RtcpIngress} (what peers send over RTCP: NACKs answered from each video
 * stream's retransmission buffer, PLI/FIR sent upstream through the stream's own rate limit,
 * {@link PublishedStream#requestKeyframe}), {@link ReceiverFeedback} (transport-cc feedback, NACKs, receiver
 * reports and REMB to the publishers) and {@link RateWindow} (rates, simulcast layer choice).
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
    /** abs-send-time (webrtc.org): the server writes its own send time into what it forwards (see Subscription). */
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** The transport-wide sequence number header extension that transport-cc feedback reports on. */
    public static final String TRANSPORT_CC_URI =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private final EventLoop loop;
    private final TransportFactory transports;
    private final LongSupplier nanoClock;
    private final Ingress ingress = new Ingress();
    private final StreamRegistry registry;
    private final RtpForwarder forwarder;
    private final RtcpIngress rtcp;
    private final RateWindow rateWindow = new RateWindow();
    private final ReceiverFeedback feedback = new ReceiverFeedback(this, rateWindow);
    private ScheduledFuture<?> feedbackTimer;
    private final long[] counts = new long[RouterCounter.ALL.length];

    /** The audio mixer's tap, as installed (any thread reads it); the forwarder holds the loop's copy. */
    private final AtomicReference<AudioTap> audioTap = new AtomicReference<>();

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
        this.registry = new StreamRegistry(this, nanoClock.getAsLong());
        this.forwarder = new RtpForwarder(this, registry, nanoClock);
        this.rtcp = new RtcpIngress(this, nanoClock);
    }

    /** A transport on this router's worker whose packets this router handles. */
    public WebRtcTransport createTransport() {
        WebRtcTransport transport = transports.createTransport(ingress);
        onLoop(() -> {
            if (closed) {
                transport.close();
            } else {
                registry.stateOf(transport);
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
            onLoop(() -> registry.register(stream));
            return stream;
        }
        PublishedStream[] layers = new PublishedStream[description.rids().size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new PublishedStream(this, transport, description, layers, i);
        }
        onLoop(() -> {
            for (PublishedStream layer : layers) {
                registry.register(layer);
            }
        });
        return layers[0];
    }

    /** Forwards {@code stream} to {@code transport}; asks the publisher for a keyframe. */
    public Subscription subscribe(WebRtcTransport transport, PublishedStream stream, SubscriberParameters parameters) {
        Subscription subscription = new Subscription(this, transport, stream, parameters);
        onLoop(() -> registry.register(subscription));
        return subscription;
    }

    /**
     * Switches {@code subscription} to {@code stream} (a re-publish of the same track, for example after the
     * publisher reconnected): the subscriber keeps its SSRC and sees continuous sequence numbers and
     * timestamps; a keyframe is requested from the new stream. Switch before unpublishing the old stream,
     * since unpublishing removes the subscriptions still attached to it.
     */
    public void switchStream(Subscription subscription, PublishedStream stream) {
        onLoop(() -> registry.switchStream(subscription, stream));
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
        onLoop(() -> registry.removeStream(stream));
    }

    public void unsubscribe(Subscription subscription) {
        onLoop(() -> registry.removeSubscription(subscription));
    }

    /** Closes the transport and drops every stream and subscription on it. */
    public void removeTransport(WebRtcTransport transport) {
        onLoop(() -> {
            registry.remove(transport);
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
        onLoop(() -> registry.register(stream));
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
        forwarder.onRtp(stream.transport, packet);
    }

    /**
     * Installs {@code tap} in place of {@code expected} (compare-and-set; {@code null} for none) and returns
     * whether it did. The tap hears every browser audio packet from the next packet on. Any thread.
     */
    public boolean installAudioTap(AudioTap expected, AudioTap tap) {
        if (!audioTap.compareAndSet(expected, tap)) {
            return false;
        }
        onLoop(() -> forwarder.tap = audioTap.get());
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
        return registry.streamCount();
    }

    /** Subscriptions currently registered. Any thread; may lag. */
    public int subscriptionCount() {
        return registry.subscriptionCount();
    }

    /**
     * Adds each subscriber's current downlink estimate (bits per second, from its browser's REMB) to
     * {@code sink}. Any thread; may lag by a rate window.
     */
    public void subscriberEstimates(LongConsumer sink) {
        rateWindow.estimates(sink);
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
            registry.closeAll();
        });
    }

    // ---------------------------------------------------------------- on the event loop

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** The router's clock. */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Bumps one counter. Event loop; allocates nothing. */
    void count(RouterCounter counter) {
        counts[counter.ordinal()]++;
    }

    void count(RouterCounter counter, int n) {
        counts[counter.ordinal()] += n;
    }

    /** The feedback timer's tick: see {@link ReceiverFeedback}. Event loop. */
    void sendFeedback() {
        if (!closed) {
            feedback.tick(registry.transports(), nanoClock.getAsLong());
        }
    }



    /** The router as every transport it creates sees it. Calls arrive on the loop. */
    private final class Ingress implements RtpReceiver {
        @Override
        public void onRtp(WebRtcTransport from, ByteBuf packet) {
            forwarder.onRtp(from, packet);
        }

        @Override
        public void onRtcp(WebRtcTransport from, ByteBuf packet) {
            RouterTransport state = registry.find(from);
            if (state == null) {
                count(RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC);
                return;
            }
            rtcp.receive(state, packet);
        }

        @Override
        public void onConnected(WebRtcTransport transport) {
            RouterTransport state = registry.find(transport);
            if (state == null) {
                return;
            }
            ArrayList<Subscription> subscriptions = state.subscriptions;
            for (int i = 0; i < subscriptions.size(); i++) {
                subscriptions.get(i).stream.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
            }
        }

        @Override
        public void onClosed(WebRtcTransport transport, String reason) {
            registry.remove(transport);
        }
    }
}
