package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * What the server, as the receiver of every published stream, sends back to the publishers on a timer:
 * transport-cc feedback (which the browsers' congestion controllers need to raise their bitrate, sent every
 * {@link #INTERVAL_NANOS} as libwebrtc's receivers do), NACKs for the packets that never reached the server,
 * once a second a receiver report (RFC 3550 §6.4.2) for every published SSRC, and, once a second, a REMB to
 * each video publisher whose subscribers estimate their downlinks: the most the slowest of them takes. A cap
 * that falls (the first, or one {@link #CAP_FALL} below the last) goes at the next tick instead, as
 * libwebrtc's receivers send a REMB at once when their estimate drops: a publisher that learns of a
 * narrower downlink a second late has filled that link's queue by then.
 * Owned by the router's event loop; not thread-safe. Runs per tick, not per packet; the only allocations
 * are the pooled buffers of the packets it sends.
 */
final class ReceiverFeedback {

    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Ticks between rate windows and simulcast layer choices ({@link BitrateMeter#WINDOW_NANOS}). */
    static final int LAYER_EVERY_TICKS = (int) (BitrateMeter.WINDOW_NANOS / INTERVAL_NANOS);
    /** Ticks between receiver reports: one a second. */
    static final int REPORT_EVERY_TICKS = 20;
    /** RFC 3550 §6.4.2: the RC field has 5 bits. */
    static final int MAX_REPORT_BLOCKS = 31;
    private static final int RR_HEADER_LENGTH = 8;
    /** A cap sent earlier is raised, without loss, once the subscribers' estimates exceed it by this factor. */
    static final double CAP_RISE = 1.05;
    /** A cap this far below the last one sent goes at once, not at the next second (libwebrtc: 3 %). */
    static final double CAP_FALL = 0.97;
    /** A subscriber's estimate older than this (its browser stopped sending REMB) no longer caps anyone. */
    static final long ESTIMATE_FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A subscriber that reported lost packets within this caps its publishers; the last cap then stays. */
    static final long CAP_AFTER_LOSS_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * The part of the server's own estimate of a subscriber's downlink (from its transport-cc) its video may
     * take. That estimate tracks the link itself, probes included, so repairs, probes and RTCP need room
     * beside the video; a browser's REMB, which stays near what it already receives, is taken whole.
     */
    static final double SERVER_ESTIMATE_VIDEO_FRACTION = 0.9;
    /** What one audio stream to a subscriber is reckoned to take of its downlink (Opus with FEC, headers). */
    static final long AUDIO_SHARE = 48_000;
    /**
     * The least a publisher is told it may send (a 320×240 picture at full frame rate). A receive-side
     * estimate also falls when the receiver itself stalls (a busy phone): a floor keeps one slow device from
     * holding everyone's video at a thumbnail, and lets the estimate climb back, since a receiver's estimate
     * cannot rise far above what it receives.
     */
    static final long MIN_CAP = 300_000;
    private final int[] rembSsrcs = new int[PayloadFeedback.MAX_REMB_SSRCS];

    private final Router router;
    private final RateWindow rateWindow;
    private final int[] due = new int[TransportFeedback.MAX_NACK_ITEMS];
    private int ticks;

    ReceiverFeedback(Router router, RateWindow rateWindow) {
        this.router = router;
        this.rateWindow = rateWindow;
    }

    void tick(ArrayList<RouterTransport> transports, long nowNanos) {
        boolean report = ++ticks % REPORT_EVERY_TICKS == 0;
        if (ticks % LAYER_EVERY_TICKS == 0) {
            rateWindow.end(transports, nowNanos);
        }
        for (int i = 0; i < transports.size(); i++) {
            RouterTransport state = transports.get(i);
            if (state.published.isEmpty() || !state.transport.isConnected()) {
                continue;
            }
            sendTransportCc(state);
            ArrayList<PublishedStream> published = state.published;
            for (int j = 0; j < published.size(); j++) {
                sendNacks(published.get(j), nowNanos);
            }
            if (report) {
                sendReceiverReport(state, nowNanos);
            }
            sendRemb(state, nowNanos, report);
        }
    }

    private void sendTransportCc(RouterTransport state) {
        TransportCcGenerator generator = state.transportCc;
        if (generator == null) {
            return;
        }
        WebRtcTransport out = state.transport;
        while (generator.hasPending()) {
            ByteBuf packet = out.allocatePacket(TransportCcGenerator.maxLength());
            if (generator.writeFeedback(packet, Router.ROUTER_SSRC) == 0) {
                packet.release();
                return;
            }
            out.sendRtcp(packet);
            router.count(RouterCounter.RTCP_TRANSPORT_CC_SENT);
        }
    }

    private void sendNacks(PublishedStream stream, long nowNanos) {
        if (stream.nacks == null || !stream.bound || stream.closed) {
            return;
        }
        int n = stream.nacks.due(nowNanos, due);
        if (n == 0) {
            return;
        }
        int items = TransportFeedback.nackItemCount(due, n);
        ByteBuf packet = stream.transport.allocatePacket(TransportFeedback.nackLength(items));
        TransportFeedback.writeNack(packet, Router.ROUTER_SSRC, stream.ssrc & 0xFFFFFFFFL, due, n);
        stream.transport.sendRtcp(packet);
        router.count(RouterCounter.RTCP_NACK_SENT);
    }

    private void sendReceiverReport(RouterTransport state, long nowNanos) {
        ArrayList<PublishedStream> published = state.published;
        int blocks = 0;
        for (int i = 0; i < published.size(); i++) {
            if (reportable(published.get(i))) {
                blocks++;
            }
        }
        blocks = Math.min(blocks, MAX_REPORT_BLOCKS);
        if (blocks == 0) {
            return;
        }
        ByteBuf packet = state.transport.allocatePacket(RR_HEADER_LENGTH + blocks * ReceiveStatistics.BLOCK_LENGTH);
        packet.writeByte(0x80 | blocks);
        packet.writeByte(RtcpCompound.RR);
        packet.writeShort((RR_HEADER_LENGTH + blocks * ReceiveStatistics.BLOCK_LENGTH) / 4 - 1);
        packet.writeInt(Router.ROUTER_SSRC);
        int written = 0;
        for (int i = 0; i < published.size() && written < blocks; i++) {
            PublishedStream stream = published.get(i);
            if (reportable(stream)) {
                stream.statistics.writeReportBlock(packet, stream.ssrc, nowNanos);
                written++;
            }
        }
        state.transport.sendRtcp(packet);
        router.count(RouterCounter.RTCP_RR_SENT);
    }

    /**
     * Tells a video publisher the most its subscribers can take: for each subscriber with a fresh estimate,
     * its downlink less its audio streams, shared equally among the video streams it receives; the least of
     * these over the publisher's video subscribers. A browser caps its send-side estimate at a REMB, so a
     * subscriber on a slow link gets a picture it can hold instead of losses. Only subscribers whose downlink
     * lost packets in the last {@link #CAP_AFTER_LOSS_NANOS} ({@link RouterTransport#lossReportedNanos}) lower
     * the cap: a receive-side estimate also falls when the receiving browser stalls (a busy CPU), and a cap
     * then holds the publisher near what the estimate lets through, which the estimate in turn never climbs far
     * above. While none does, a cap sent earlier follows the subscribers' estimates up, never down, so a link
     * that recovered is used again; a publisher never capped is sent nothing and sends what its own uplink
     * allows.
     */
    private void sendRemb(RouterTransport state, long nowNanos, boolean dueAnyway) {
        if (!dueAnyway && !capFell(state, nowNanos)) {
            return;
        }
        int ssrcs = 0;
        ArrayList<PublishedStream> published = state.published;
        for (int i = 0; i < published.size(); i++) {
            PublishedStream stream = published.get(i);
            // Simulcast layers are chosen per subscriber instead; a cap would starve the subscribers that can
            // take the top layer.
            if (stream.video && stream.bound && !stream.closed && !stream.local && !stream.isLayer()
                    && ssrcs < rembSsrcs.length) {
                rembSsrcs[ssrcs++] = stream.ssrc;
            }
        }
        if (ssrcs == 0) {
            return;
        }
        long cap = leastShare(state, nowNanos, true);
        if (cap == Long.MAX_VALUE) {
            long risen = state.rembCap == 0 ? Long.MAX_VALUE : leastShare(state, nowNanos, false);
            if (risen == Long.MAX_VALUE || risen <= state.rembCap * CAP_RISE) {
                return;
            }
            cap = risen;
        }
        state.rembCap = Math.max(MIN_CAP, cap);
        ByteBuf packet = state.transport.allocatePacket(PayloadFeedback.rembLength(ssrcs));
        PayloadFeedback.writeRemb(packet, Router.ROUTER_SSRC, state.rembCap, rembSsrcs, ssrcs);
        state.transport.sendRtcp(packet);
        router.count(RouterCounter.RTCP_REMB_SENT);
    }

    /** Whether the cap for {@code state}'s video is new or fell by {@link #CAP_FALL} since it was last sent. */
    private static boolean capFell(RouterTransport state, long nowNanos) {
        long cap = leastShare(state, nowNanos, true);
        return cap != Long.MAX_VALUE && (state.rembCap == 0 || Math.max(MIN_CAP, cap) < state.rembCap * CAP_FALL);
    }

    /**
     * The least share of a downlink among the subscribers of {@code state}'s single-layer video streams with a
     * fresh estimate ({@code losing}: only those whose downlink lost packets lately); MAX_VALUE for none.
     */
    private static long leastShare(RouterTransport state, long nowNanos, boolean losing) {
        long least = Long.MAX_VALUE;
        ArrayList<PublishedStream> published = state.published;
        for (int i = 0; i < published.size(); i++) {
            PublishedStream stream = published.get(i);
            if (!stream.video || !stream.bound || stream.closed || stream.local || stream.isLayer()) {
                continue;
            }
            for (int j = 0; j < stream.subscriptions.size(); j++) {
                RouterTransport subscriber = stream.subscriptions.get(j).subscriber;
                if (subscriber == null || !subscriber.hasDownlinkEstimate
                        || nowNanos - subscriber.downlinkEstimateNanos > ESTIMATE_FRESH_NANOS) {
                    continue;
                }
                boolean lost = subscriber.lossReportedNanos != 0 && nowNanos - subscriber.lossReportedNanos <= CAP_AFTER_LOSS_NANOS;
                if (!losing || lost) {
                    least = Math.min(least, share(subscriber));
                }
            }
        }
        return least;
    }

    /** One video stream's share of what {@code subscriber} estimates its downlink at. */
    static long share(RouterTransport subscriber) {
        int videos = 0;
        int audios = 0;
        ArrayList<Subscription> subscriptions = subscriber.subscriptions;
        for (int i = 0; i < subscriptions.size(); i++) {
            Subscription s = subscriptions.get(i);
            if (s.closed) {
                continue;
            }
            if (s.stream.video) {
                videos++;
            } else {
                audios++;
            }
        }
        long usable = subscriber.estimatedByServer()
                ? (long) (SERVER_ESTIMATE_VIDEO_FRACTION * subscriber.downlinkEstimate) : subscriber.downlinkEstimate;
        return (usable - audios * AUDIO_SHARE) / Math.max(1, videos);
    }

    private static boolean reportable(PublishedStream stream) {
        return !stream.local && stream.bound && !stream.closed && stream.statistics.hasReport();
    }
}
