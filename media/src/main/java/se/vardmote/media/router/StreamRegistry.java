package se.vardmote.media.router;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import se.vardmote.media.bwe.DownlinkEstimator;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * Which transports, published streams and subscriptions a {@link Router} has: each transport's
 * {@link RouterTransport} (its SSRC tables), registered when the first stream or subscription on it is, and
 * everything that goes with a stream, a subscription or a transport when it is removed. The packet path only
 * reads it ({@link #find}); every change comes from the router's control plane.
 * Owned by the router's event loop; not thread-safe, apart from the counts, which any thread may read.
 */
final class StreamRegistry {

    private final Router router;
    /** When the router began: the zero of every transport-cc generator's arrival times. */
    private final long epochNanos;
    private final IdentityHashMap<WebRtcTransport, RouterTransport> byTransport = new IdentityHashMap<>();
    /** The values of {@link #byTransport}, walked by the feedback timer without an iterator. */
    private final ArrayList<RouterTransport> transportList = new ArrayList<>();
    private volatile int streamCount;
    private volatile int subscriptionCount;

    StreamRegistry(Router router, long epochNanos) {
        this.router = router;
        this.epochNanos = epochNanos;
    }

    /** The transport's state, or null when the router has none (not created here, or already removed). */
    RouterTransport find(WebRtcTransport transport) {
        return byTransport.get(transport);
    }

    /** Every transport with a stream or subscription, in registration order. */
    ArrayList<RouterTransport> transports() {
        return transportList;
    }

    int streamCount() {
        return streamCount;
    }

    int subscriptionCount() {
        return subscriptionCount;
    }

    RouterTransport stateOf(WebRtcTransport transport) {
        RouterTransport state = byTransport.get(transport);
        if (state == null) {
            state = new RouterTransport(transport);
            byTransport.put(transport, state);
            transportList.add(state);
        }
        return state;
    }

    /** Forgets {@code transport} and drops its streams and subscriptions (the transport is not closed). */
    void remove(WebRtcTransport transport) {
        RouterTransport state = forget(transport);
        if (state != null) {
            dropAll(state);
        }
    }

    /** Forgets every transport, drops everything on them, then closes them. */
    void closeAll() {
        ArrayList<RouterTransport> all = new ArrayList<>(transportList);
        byTransport.clear();
        transportList.clear();
        for (int i = 0; i < all.size(); i++) {
            dropAll(all.get(i));
        }
        for (int i = 0; i < all.size(); i++) {
            all.get(i).transport.close();
        }
    }

    void register(PublishedStream stream) {
        if (router.isClosed() || stream.closed) {
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
        Integer transportCc = stream.description.extensionIds().get(Router.TRANSPORT_CC_URI);
        if (!stream.local && transportCc != null && transportCc >= 1 && transportCc <= 14
                && state.transportCcExtensionId == 0) {
            state.transportCcExtensionId = transportCc;
            state.transportCc = new TransportCcGenerator(epochNanos);
        }
        streamCount++;
    }

    void register(Subscription subscription) {
        PublishedStream stream = subscription.stream;
        if (router.isClosed() || subscription.closed || stream.closed || stream.publisher == null) {
            subscription.closed = true;
            return;
        }
        RouterTransport state = stateOf(subscription.transport);
        subscription.subscriber = state;
        if (subscription.transportCcId != 0 && state.estimator == null) {
            state.estimator = new DownlinkEstimator(DownlinkProbing.START_ESTIMATE, DownlinkProbing.MIN_ESTIMATE,
                    DownlinkProbing.MAX_ESTIMATE);
            subscription.transport.numberPackets(subscription.transportCcId, state.estimator.history());
        }
        state.subscriptions.add(subscription);
        state.subscriptionsBySsrc.put(subscription.ssrc, subscription);
        stream.subscriptions.add(subscription);
        if (stream.isLayer() && state.layers == null) {
            state.layers = new LayerAllocation(router, router.nanoTime());
        }
        subscriptionCount++;
        // A new subscriber needs a keyframe to start decoding. If its transport is not connected yet, the
        // request waits for the transport's connection (Router.onConnected): a keyframe now would arrive
        // before it can be received and would use up the rate limit that the useful request needs.
        if (subscription.transport.isConnected()) {
            stream.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    /** See {@link Router#switchStream}. */
    void switchStream(Subscription subscription, PublishedStream next) {
        if (router.isClosed() || subscription.closed || subscription.subscriber == null) {
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
        subscription.clearTarget();
        subscription.paused = false;
        subscription.switchTo(next);
        next.subscriptions.add(subscription);
        if (subscription.transport.isConnected()) {
            next.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
        }
    }

    /** Removes {@code stream}, with every layer of its track and every subscription to them. */
    void removeStream(PublishedStream stream) {
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

    void removeSubscription(Subscription subscription) {
        if (subscription.closed) {
            return;
        }
        subscription.closed = true;
        RouterTransport state = subscription.subscriber;
        if (state == null) {
            return; // never registered
        }
        subscription.stream.subscriptions.remove(subscription);
        subscription.clearTarget();
        state.subscriptions.remove(subscription);
        if (state.subscriptionsBySsrc.get(subscription.ssrc) == subscription) {
            state.subscriptionsBySsrc.remove(subscription.ssrc);
        }
        subscriptionCount--;
    }

    private RouterTransport forget(WebRtcTransport transport) {
        RouterTransport state = byTransport.remove(transport);
        if (state != null) {
            transportList.remove(state);
        }
        return state;
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
}
