package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.function.LongSupplier;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.SenderReport;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.Vp8Descriptor;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * What the peers of one {@link Router} send it over RTCP, and what the router does with it: a publisher's
 * sender reports go to each subscriber translated into its SSRC and timestamps; a subscriber's NACKs are
 * answered from the stream's retransmission buffer (video) or passed to the publisher (audio); its PLI and FIR
 * become keyframe requests (which the router limits); its transport-cc feedback feeds the server's estimate
 * of its downlink ({@link DownlinkProbing}), or, for a browser without transport-cc, its REMB is kept as that
 * estimate. Receiver
 * reports, SDES and BYE are consumed and counted. Owned by the router's event loop; allocates nothing per
 * packet beyond the pooled buffers it sends.
 */
final class RtcpIngress {
    private final Router router;
    private final LongSupplier nanoClock;
    private final RtcpCompound compound = new RtcpCompound();
    private final SenderReport senderReport = new SenderReport();
    private final TransportFeedback transportFeedback = new TransportFeedback();
    /** Room for a subscriber's feedback on about two seconds of packets at a busy group's rate. */
    private final TransportCcFeedback.Parsed transportCc = new TransportCcFeedback.Parsed(4096);
    private final PayloadFeedback payloadFeedback = new PayloadFeedback();
    private final RtpPacket cached = new RtpPacket();
    private final Vp8Descriptor cachedVp8 = new Vp8Descriptor();
    private final RtpHeaderExtension extension = new RtpHeaderExtension();

    RtcpIngress(Router router, LongSupplier nanoClock) {
        this.router = router;
        this.nanoClock = nanoClock;
    }

    /** One compound RTCP packet from the peer of {@code state}. Borrows {@code packet}. */
    void receive(RouterTransport state, ByteBuf packet) {
        RtcpCompound compound = this.compound.reset(packet);
        while (compound.next()) {
            switch (compound.packetType()) {
                case RtcpCompound.SR -> onSenderReport(state);
                case RtcpCompound.RR -> router.count(RouterCounter.RTCP_CONSUMED_RR);
                case RtcpCompound.SDES -> router.count(RouterCounter.RTCP_CONSUMED_SDES);
                case RtcpCompound.BYE -> router.count(RouterCounter.RTCP_CONSUMED_BYE);
                case RtcpCompound.RTPFB -> onTransportFeedback(state);
                case RtcpCompound.PSFB -> onPayloadFeedback(state);
                default -> router.count(RouterCounter.RTCP_CONSUMED_OTHER);
            }
        }
        if (compound.malformed()) {
            router.count(RouterCounter.RTCP_DROPPED_MALFORMED);
        }
    }

    /**
     * A publisher's SR goes to each subscriber under the subscriber's SSRC with the timestamp shifted by the
     * same offset as its RTP, so lip sync (RFC 3550 §6.4.1 NTP/RTP pair) survives the rewrite. Report blocks
     * are dropped: they describe streams the subscriber does not know.
     */
    private void onSenderReport(RouterTransport state) {
        SenderReport sr = senderReport;
        if (!sr.wrap(compound)) {
            router.count(RouterCounter.RTCP_DROPPED_MALFORMED);
            return;
        }
        PublishedStream stream = state.publishedBySsrc.get((int) sr.senderSsrc());
        if (stream == null) {
            router.count(RouterCounter.RTCP_CONSUMED_SR);
            return;
        }
        stream.statistics.onSenderReport(sr.ntpTimestamp(), nanoClock.getAsLong());
        ArrayList<Subscription> subscriptions = stream.subscriptions;
        for (int i = 0; i < subscriptions.size(); i++) {
            Subscription subscription = subscriptions.get(i);
            WebRtcTransport out = subscription.transport;
            if (!subscription.offsetsValid) {
                continue; // no RTP sent yet under the current offsets: the mapping would be wrong
            }
            if (!out.isConnected()) {
                router.count(RouterCounter.RTCP_DROPPED_NOT_CONNECTED);
                continue;
            }
            ByteBuf packet = out.allocatePacket(SenderReport.MIN_LENGTH);
            SenderReport.write(packet, subscription.ssrc & 0xFFFFFFFFL, sr.ntpTimestamp(),
                    (sr.rtpTimestamp() + subscription.timestampOffset) & 0xFFFFFFFFL,
                    sr.packetCount(), sr.octetCount());
            out.sendRtcp(packet);
            router.count(RouterCounter.RTCP_SR_FORWARDED);
        }
    }

    private void onTransportFeedback(RouterTransport state) {
        TransportFeedback feedback = transportFeedback;
        if (!feedback.wrap(compound)) {
            router.count(RouterCounter.RTCP_DROPPED_MALFORMED);
            return;
        }
        if (!feedback.isGenericNack()) {
            if (feedback.fmt() == TransportCcFeedback.FMT && state.estimator != null) {
                onTransportCc(state, feedback);
            } else {
                router.count(RouterCounter.RTCP_CONSUMED_OTHER); // a publisher's transport-cc is ours to answer
            }
            return;
        }
        Subscription subscription = state.subscriptionsBySsrc.get(feedback.mediaSsrcInt());
        if (subscription == null) {
            router.count(RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC);
            return;
        }
        PublishedStream stream = subscription.stream;
        int items = Math.min(feedback.nackCount(), TransportFeedback.MAX_NACK_ITEMS);
        if (items == 0 || !subscription.offsetsValid || !stream.bound || stream.closed) {
            router.count(RouterCounter.RTCP_NACK_DROPPED);
            return;
        }
        router.count(RouterCounter.RTCP_NACK_RECEIVED);
        if (stream.cache == null) {
            if (!state.estimatedByServer()) state.lossReportedNanos = nanoClock.getAsLong(); // cannot tell where it was lost
            forwardNack(feedback, subscription, stream, items);
            return;
        }
        // RFC 4585 §6.2.1: each item names a packet id and, in its bitmask, up to 16 more after it.
        long now = nanoClock.getAsLong();
        for (int i = 0; i < items; i++) {
            int id = feedback.nackPacketId(i);
            int mask = feedback.nackLostBitmask(i);
            repair(subscription, stream, id, now);
            for (int bit = 0; mask != 0 && bit < 16; bit++) {
                if ((mask & (1 << bit)) != 0) {
                    repair(subscription, stream, (id + bit + 1) & 0xFFFF, now);
                }
            }
        }
    }

    /**
     * Answers one lost packet of a subscriber from the stream's retransmission buffer. One the server
     * never had is not asked for here: the stream's {@link NackGenerator} asks the publisher already, and
     * its repair goes to every subscriber.
     */
    private void repair(Subscription subscription, PublishedStream stream, int outSequence, long now) {
        if (!subscription.canRepair(outSequence)) {
            router.count(RouterCounter.RTCP_NACK_TOO_OLD);
            return;
        }
        RouterTransport subscriber = subscription.subscriber;
        long rtt = subscriber.estimator != null ? subscriber.estimator.rttNanos() : 0;
        if (subscription.repairs != null && subscription.repairs.resentLately(outSequence, now, rtt)) {
            router.count(RouterCounter.RTCP_NACK_RESENT_LATELY);
            return;
        }
        if (stream.cache.find(subscription.inSequence(outSequence), now, cached)) {
            if (!subscriber.estimatedByServer()) subscriber.lossReportedNanos = now; // the server had it: its downlink lost it
            long estimate = subscriber.hasDownlinkEstimate ? subscriber.downlinkEstimate : 0;
            if (!subscriber.repairBudget.take(cached.length(), now, estimate)) {
                router.count(RouterCounter.RTCP_NACK_OVER_BUDGET);
                return;
            }
            if (subscription.repairs != null) subscription.repairs.resent(outSequence, now);
            Vp8Descriptor descriptor = stream.vp8
                    && cachedVp8.wrap(cached.buffer(), cached.payloadOffset(), cached.payloadLength()) ? cachedVp8 : null;
            subscription.retransmit(cached, extension, descriptor, outSequence, now);
            router.count(RouterCounter.RTCP_NACK_ANSWERED_FROM_CACHE);
        } else {
            router.count(RouterCounter.RTCP_NACK_NOT_IN_CACHE);
        }
    }

    /** A stream without a retransmission buffer (audio) has its NACKs answered by the publisher. */
    private void forwardNack(TransportFeedback feedback, Subscription subscription, PublishedStream stream, int items) {
        WebRtcTransport publisher = stream.transport;
        if (!publisher.isConnected()) {
            router.count(RouterCounter.RTCP_DROPPED_NOT_CONNECTED);
            return;
        }
        // RFC 4585 §6.2.1: the PID is a sequence number; the BLP is relative to it and needs no change.
        ByteBuf packet = publisher.allocatePacket(TransportFeedback.nackLength(items));
        TransportFeedback.writeNackHeader(packet, Router.ROUTER_SSRC, stream.ssrc & 0xFFFFFFFFL, items);
        for (int i = 0; i < items; i++) {
            TransportFeedback.writeNackItem(packet,
                    (feedback.nackPacketId(i) - subscription.sequenceOffset) & 0xFFFF, feedback.nackLostBitmask(i));
        }
        publisher.sendRtcp(packet);
        router.count(RouterCounter.RTCP_NACK_FORWARDED);
    }

    private void onPayloadFeedback(RouterTransport state) {
        PayloadFeedback feedback = payloadFeedback;
        if (!feedback.wrap(compound)) {
            router.count(RouterCounter.RTCP_DROPPED_MALFORMED);
            return;
        }
        if (feedback.isPli()) {
            Subscription subscription = state.subscriptionsBySsrc.get(feedback.mediaSsrcInt());
            if (subscription == null) {
                router.count(RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC);
                return;
            }
            subscription.stream.requestKeyframe(false, RouterCounter.RTCP_PLI_FORWARDED);
            if (subscription.target != null) {
                subscription.target.requestKeyframe(false, RouterCounter.RTCP_PLI_FORWARDED);
            }
        } else if (feedback.isFir()) {
            // RFC 5104 §4.3.1.2: the FCI entries name the media senders; the header's media SSRC is 0.
            int entries = feedback.firCount();
            for (int i = 0; i < entries; i++) {
                Subscription subscription = state.subscriptionsBySsrc.get(feedback.firSsrcInt(i));
                if (subscription == null) {
                    router.count(RouterCounter.RTCP_DROPPED_UNKNOWN_SSRC);
                    continue;
                }
                subscription.stream.requestKeyframe(true, RouterCounter.RTCP_PLI_FORWARDED);
            }
        } else if (feedback.isRemb()) {
            // A subscriber's browser estimating its own downlink (receive-side, abs-send-time): taken only while
            // the server has no estimate of its own from the subscriber's transport-cc feedback.
            if (!state.estimatedByServer()) {
                downlinkEstimated(state, feedback.rembBitrate(), nanoClock.getAsLong());
            }
            router.count(RouterCounter.RTCP_CONSUMED_REMB);
        } else {
            router.count(RouterCounter.RTCP_CONSUMED_OTHER);
        }
    }

    /** A subscriber's transport-cc feedback: the server's estimate of its downlink, and a probe when one is due. */
    private void onTransportCc(RouterTransport state, TransportFeedback feedback) {
        if (!TransportCcFeedback.parse(feedback, transportCc)) {
            router.count(RouterCounter.RTCP_DROPPED_MALFORMED);
            return;
        }
        long now = nanoClock.getAsLong();
        state.estimator.onFeedback(transportCc, now);
        router.count(RouterCounter.RTCP_CONSUMED_TRANSPORT_CC);
        if (state.estimator.losing()) state.lossReportedNanos = now;
        downlinkEstimated(state, state.estimator.estimateBitsPerSecond(), now);
        long demand = LayerAllocation.demand(state);
        if (demand > 0) state.estimator.probes().setDemandBitsPerSecond(demand); // 0: not measured yet
        DownlinkProbing.probe(router, state, now);
    }

    /**
     * The subscriber's downlink estimate (bits per second): kept for the REMB that caps what its publishers
     * send and for the layer choice, and paces what it is sent.
     */
    private void downlinkEstimated(RouterTransport state, long estimate, long now) {
        if (state.hasDownlinkEstimate && estimate < state.downlinkEstimate * 0.95) {
            state.estimateFellNanos = now;
        }
        state.hasDownlinkEstimate = true;
        state.downlinkEstimate = estimate;
        state.downlinkEstimateNanos = now;
        state.transport.setDownlinkEstimate(estimate);
    }
}
