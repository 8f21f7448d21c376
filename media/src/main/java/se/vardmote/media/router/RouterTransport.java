package se.vardmote.media.router;

import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * One transport as its {@link Router} sees it: the streams it publishes (by publisher SSRC, int-keyed so the
 * hot path never boxes) and the subscriptions it receives (by the SSRC the subscriber sees, which is what its
 * RTCP feedback names). SSRCs are looked up per transport because two browsers may pick the same random SSRC
 * (RFC 3550 §8.1) and two subscribers may be given the same server SSRC.
 * Owned by the router's event loop; not thread-safe.
 */
final class RouterTransport {

    final WebRtcTransport transport;
    final IntObjectHashMap<PublishedStream> publishedBySsrc = new IntObjectHashMap<>();
    final ArrayList<PublishedStream> published = new ArrayList<>();
    /** Published streams with no SSRC yet; the first packet whose MID extension matches binds one. */
    final ArrayList<PublishedStream> unbound = new ArrayList<>();
    final IntObjectHashMap<Subscription> subscriptionsBySsrc = new IntObjectHashMap<>();
    final ArrayList<Subscription> subscriptions = new ArrayList<>();

    RouterTransport(WebRtcTransport transport) {
        this.transport = transport;
    }
}
