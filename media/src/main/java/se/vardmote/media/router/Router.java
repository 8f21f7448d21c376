package se.vardmote.media.router;

import java.util.Map;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * Forwards the RTP and RTCP of one room: from each published stream to its subscriptions, with
 * payload types, header-extension ids, SSRC, sequence numbers and timestamps rewritten per subscriber;
 * PLI/FIR/NACK from subscribers go back upstream (keyframe requests rate-limited).
 * Owned by one worker's event loop. Public methods are safe from any thread (they hop onto the loop).
 */
public final class Router {

    /**
     * A router on {@code loop} whose transports come from {@code transports} (a worker on that loop).
     * MediaEngine uses {@code new Router(worker.eventLoop(), worker)}; tests pass fakes.
     */
    public Router(io.netty.channel.EventLoop loop, se.vardmote.media.transport.TransportFactory transports) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A transport on this router's worker whose packets this router handles. */
    public WebRtcTransport createTransport() { throw new UnsupportedOperationException("TODO"); }

    /** Starts accepting a stream the publisher sends on {@code transport}. */
    public PublishedStream publish(WebRtcTransport transport, StreamDescription description) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Forwards {@code stream} to {@code transport}; asks the publisher for a keyframe. */
    public Subscription subscribe(WebRtcTransport transport, PublishedStream stream, SubscriberParameters parameters) {
        throw new UnsupportedOperationException("TODO");
    }

    public void unpublish(PublishedStream stream) { throw new UnsupportedOperationException("TODO"); }

    public void unsubscribe(Subscription subscription) { throw new UnsupportedOperationException("TODO"); }

    /** Closes the transport and drops every stream and subscription on it. */
    public void removeTransport(WebRtcTransport transport) { throw new UnsupportedOperationException("TODO"); }

    /** Counters of this router ({@code rtp.forwarded}, {@code rtcp.pli.sent}, ...). */
    public Map<String, Long> counters() { throw new UnsupportedOperationException("TODO"); }

    /** Closes every transport; the router is not usable afterwards. */
    public void close() { throw new UnsupportedOperationException("TODO"); }
}
