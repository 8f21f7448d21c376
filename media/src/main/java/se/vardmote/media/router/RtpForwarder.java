package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.function.LongSupplier;
import se.vardmote.media.rtp.RedPayload;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.Vp8Descriptor;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * The relay's hot path: one decrypted RTP packet from a publisher is found its {@link PublishedStream} (by
 * SSRC, by RTX SSRC, or bound by MID/RID on its first packets), counted for transport-cc, unwrapped when it is
 * RTX, checked against the stream's codec or redundant audio, booked by the stream as its receiver, heard by
 * the {@link AudioTap}, and handed to each {@link Subscription}, which rewrites, protects and sends its copy.
 *
 * <p>Owned by the router's event loop; not thread-safe. Allocates nothing and takes no lock: one set of
 * reusable views (the loop handles one packet at a time), indexed loops, int-keyed maps, direct calls to
 * final classes, drops counted by reason.
 */
final class RtpForwarder {

    private final Router router;
    private final StreamRegistry registry;
    private final LongSupplier nanoClock;

    // Reusable views: the loop handles one packet at a time.
    private final RtpPacket rtp = new RtpPacket();
    private final RtpHeaderExtension extension = new RtpHeaderExtension();
    private final Vp8Descriptor vp8 = new Vp8Descriptor();
    private final RedPayload red = new RedPayload();

    /** The audio mixer's tap as the loop sees it (set by {@link Router#installAudioTap}), or null. */
    AudioTap tap;

    RtpForwarder(Router router, StreamRegistry registry, LongSupplier nanoClock) {
        this.router = router;
        this.registry = registry;
        this.nanoClock = nanoClock;
    }

    /** One plaintext RTP packet that {@code from} received. Borrows {@code packet}. Event loop. */
    void onRtp(WebRtcTransport from, ByteBuf packet) {
        RouterTransport state = registry.find(from);
        if (state == null) {
            router.count(RouterCounter.RTP_DROPPED_UNKNOWN_SSRC);
            return;
        }
        RtpPacket rtp = this.rtp;
        if (!rtp.wrap(packet)) {
            router.count(RouterCounter.RTP_DROPPED_MALFORMED);
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
                stream = state.bindByMid(rtp, extension);
                if (stream == null) {
                    router.count(RouterCounter.RTP_DROPPED_UNKNOWN_SSRC);
                    return;
                }
                router.count(stream.rid == null ? RouterCounter.RTP_SSRC_BOUND_BY_MID
                        : RouterCounter.RTP_SSRC_BOUND_BY_RID);
            }
        }
        boolean repaired = false;
        if (stream.rtxBound && ssrc == stream.rtxSsrc && (ssrc != stream.ssrc || !stream.bound)) {
            if (rtp.payloadType() != stream.rtxPayloadType) {
                router.count(RouterCounter.RTP_DROPPED_PAYLOAD_TYPE);
                return;
            }
            if (!stream.bound) {
                router.count(RouterCounter.RTP_DROPPED_UNKNOWN_SSRC);
                return;
            }
            if (!stream.unwrapRtx(rtp)) {
                router.count(RouterCounter.RTX_PADDING);
                return;
            }
            repaired = true;
        }
        // Only the one codec the subscribers were offered, or its redundant audio, goes out: FEC and the
        // rest would reach a subscriber under a payload type it never negotiated.
        RedPayload redundant = null;
        if (rtp.payloadType() != stream.payloadType) {
            if (stream.redPayloadType < 0 || rtp.payloadType() != stream.redPayloadType) {
                router.count(RouterCounter.RTP_DROPPED_PAYLOAD_TYPE);
                return;
            }
            if (!red.wrap(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength())
                    || red.primaryPayloadType() != stream.payloadType) {
                router.count(RouterCounter.RTP_DROPPED_RED_MALFORMED);
                return;
            }
            redundant = red;
        }
        if (!stream.local && !stream.receive(rtp, repaired, now)) {
            return;
        }
        AudioTap tap = this.tap;
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
                if (!stream.switchers.isEmpty()) stream.completeSwitches();
            }
        }
        ArrayList<Subscription> subscriptions = stream.subscriptions;
        int n = subscriptions.size();
        RtpHeaderExtension ext = extension;
        for (int i = 0; i < n; i++) {
            subscriptions.get(i).forward(rtp, ext, descriptor, redundant, now);
        }
    }
}
