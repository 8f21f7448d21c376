package se.vardmote.media.router;

import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * One transport as its {@link Router} sees it: the streams it publishes (by publisher SSRC, int-keyed so the
 * hot path never boxes) and the subscriptions it receives (by the SSRC the subscriber sees, which is what its
 * RTCP feedback names). SSRCs are looked up per transport because two browsers may pick the same random SSRC
 * (RFC 3550 §8.1) and two subscribers may be given the same server SSRC. A publisher transport also keeps the
 * transport-wide congestion-control receiver ({@link TransportCcGenerator}) the publisher's estimator needs.
 * Owned by the router's event loop; not thread-safe.
 */
final class RouterTransport {

    final WebRtcTransport transport;
    final IntObjectHashMap<PublishedStream> publishedBySsrc = new IntObjectHashMap<>();
    final ArrayList<PublishedStream> published = new ArrayList<>();
    /** Published streams with no SSRC yet; the first packet whose MID extension matches binds one. */
    final ArrayList<PublishedStream> unbound = new ArrayList<>();
    /** Published streams by their RTX SSRC (RFC 4588 SSRC multiplexing). */
    final IntObjectHashMap<PublishedStream> publishedByRtxSsrc = new IntObjectHashMap<>();
    final IntObjectHashMap<Subscription> subscriptionsBySsrc = new IntObjectHashMap<>();
    final ArrayList<Subscription> subscriptions = new ArrayList<>();

    /** The publisher's id for the transport-wide sequence number extension; 0 while none is negotiated. */
    int transportCcExtensionId;
    /** Created with the first stream that negotiates transport-cc; null until then. */
    TransportCcGenerator transportCc;

    /**
     * What the subscriber's browser last estimated its downlink at (REMB, bits per second), and when (the
     * router's clock); {@code hasDownlinkEstimate} is false while it has sent none.
     */
    boolean hasDownlinkEstimate;
    long downlinkEstimate;
    long downlinkEstimateNanos;
    /** When the estimate last fell (by more than 5 %): the subscriber's browser saw its downlink overused. */
    long estimateFellNanos;
    /** When the subscriber's browser last reported a lost packet (a NACK), or 0: its downlink drops packets. */
    long lossReportedNanos;
    /** What the router sent this subscriber (media and repairs). */
    final BitrateMeter sent = new BitrateMeter();
    /** Which simulcast layer of each track this subscriber gets; created with its first simulcast subscription. */
    LayerAllocation layers;

    RouterTransport(WebRtcTransport transport) {
        this.transport = transport;
    }
}
