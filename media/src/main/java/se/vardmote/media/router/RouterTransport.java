package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import se.vardmote.media.bwe.DownlinkEstimator;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * One transport as its {@link Router} sees it: the streams it publishes (by publisher SSRC, int-keyed so the
 * hot path never boxes) and the subscriptions it receives (by the SSRC the subscriber sees, which is what its
 * RTCP feedback names). SSRCs are looked up per transport because two browsers may pick the same random SSRC
 * (RFC 3550 §8.1) and two subscribers may be given the same server SSRC. A publisher transport also keeps the
 * transport-wide congestion-control receiver ({@link TransportCcGenerator}) the publisher's estimator needs.
 * A stream whose SSRC the SDP did not name is bound here by its first packet's MID or RID ({@link #bindByMid}).
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
     * A subscriber that reports arrivals (transport-cc): the server's estimate of its downlink. Created with
     * its first subscription that numbers packets; null for a publisher or a subscriber without transport-cc.
     */
    DownlinkEstimator estimator;

    /**
     * What the subscriber's downlink was last estimated at (bits per second), and when (the router's clock):
     * the server's estimate once transport-cc feedback arrives, else what the browser itself reports (REMB);
     * {@code hasDownlinkEstimate} is false while there is neither.
     */
    boolean hasDownlinkEstimate;
    long downlinkEstimate;
    long downlinkEstimateNanos;
    /** When the estimate last fell (by more than 5 %): the subscriber's browser saw its downlink overused. */
    long estimateFellNanos;
    /**
     * When the subscriber's downlink was last seen losing packets, or 0: its transport-cc feedback reported 2 %
     * or more of what the server sent it lost, or, without that feedback, it NACKed a packet the server had.
     * A NACK for a packet the publisher's uplink lost says nothing of the subscriber's link.
     */
    long lossReportedNanos;
    /** A publisher: the REMB cap last sent to it (bits per second), 0 while it was never capped. */
    long rembCap;
    /** What the router may still send this subscriber in repairs. */
    final RepairBudget repairBudget = new RepairBudget();
    /** What the router sent this subscriber (media and repairs). */
    final BitrateMeter sent = new BitrateMeter();
    /** Which simulcast layer of each track this subscriber gets; created with its first simulcast subscription. */
    LayerAllocation layers;

    RouterTransport(WebRtcTransport transport) {
        this.transport = transport;
    }

    /**
     * RFC 8843 §15: an SSRC not signalled in SDP is associated with its m-section by the MID extension, and
     * by the payload type with the stream itself or with its RTX stream. A simulcast layer is found by its
     * RTP stream id (RFC 8852 §3.1; an RTX packet by its repaired-rid, §3.2), with the MID, when the packet
     * carries one, naming the layer's section. Returns the stream {@code rtp}'s SSRC (or RTX SSRC) is now bound
     * to, or null when no unbound stream matches. {@code extension} is the caller's scratch cursor. Event loop;
     * allocates nothing.
     */
    PublishedStream bindByMid(RtpPacket rtp, RtpHeaderExtension extension) {
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
            if (publishedBySsrc.get(ssrc) != null || publishedByRtxSsrc.get(ssrc) != null) {
                return null;
            }
            if (media) {
                candidate.ssrc = ssrc;
                candidate.bound = true;
                publishedBySsrc.put(ssrc, candidate);
            } else {
                candidate.rtxSsrc = ssrc;
                candidate.rtxBound = true;
                publishedByRtxSsrc.put(ssrc, candidate);
            }
            if (candidate.bound && (candidate.rtxPayloadType < 0 || candidate.rtxBound)) {
                unbound.remove(i);
            }
            return candidate;
        }
        return null;
    }

    private static boolean bytesEqual(ByteBuf buf, int offset, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(offset + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the server numbers what it sends this subscriber and has heard back what arrived: its downlink
     * estimate is then the server's own, and its downlink's losses are known exactly — a NACK, which also names
     * packets the publisher's uplink lost, is no sign of them.
     */
    boolean estimatedByServer() {
        return estimator != null && estimator.feedbacks() > 0;
    }
}
