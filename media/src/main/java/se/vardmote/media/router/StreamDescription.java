package se.vardmote.media.router;

import java.util.List;
import java.util.Map;
import se.vardmote.media.MediaKind;

/**
 * A stream a participant publishes, as negotiated on its publish transport.
 *
 * @param kind           audio or video
 * @param ssrc           the publisher's media SSRC (from a=ssrc); 0 if unknown, then {@code mid} binds it on first packet
 * @param mid            the m-section's mid
 * @param codec          the one codec the answer accepted (payload type as the publisher sends it)
 * @param extensionIds   header-extension URI to the id the publisher uses
 * @param rtxPayloadType the payload type of the codec's RTX (RFC 4588 {@code apt}) the answer accepted; -1 for none
 * @param rtxSsrc        the RTX stream's SSRC (a=ssrc-group:FID, second SSRC); 0 if unknown, then the first RTX
 *                       packet with the section's MID binds it
 * @param rids           the RTP stream ids (RFC 8852) of the simulcast layers the answer accepted (RFC 8853), in
 *                       the offer's order; empty for one layer. Each layer's SSRC (and its RTX's) is bound by the
 *                       rid (repaired-rid) extension of its first packet, so {@code ssrc} and {@code rtxSsrc} are 0
 * @param redPayloadType the payload type of redundant audio (RED, RFC 2198) over {@code codec} the answer accepted;
 *                       -1 for none. The publisher may send either payload type
 */
public record StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds,
                                int rtxPayloadType, long rtxSsrc, List<String> rids, int redPayloadType) {
    /** The most simulcast layers a stream may have. */
    public static final int MAX_LAYERS = 4;

    public StreamDescription {
        extensionIds = Map.copyOf(extensionIds);
        rids = List.copyOf(rids);
        if (rids.size() > MAX_LAYERS) {
            throw new IllegalArgumentException(rids.size() + " simulcast layers; at most " + MAX_LAYERS);
        }
        if (rids.size() > 1 && (ssrc != 0 || rtxSsrc != 0)) {
            throw new IllegalArgumentException("a simulcast stream's SSRCs are bound by rid, not given");
        }
        if (rtxPayloadType < -1 || rtxPayloadType > 127) {
            throw new IllegalArgumentException("rtx payload type " + rtxPayloadType + " is not 0..127 (or -1)");
        }
        if (redPayloadType < -1 || redPayloadType > 127 || (redPayloadType >= 0 && kind != MediaKind.AUDIO)
                || (redPayloadType >= 0 && redPayloadType == codec.payloadType())) {
            throw new IllegalArgumentException("red payload type " + redPayloadType + " is not 0..127 (or -1), for audio, "
                    + "apart from the codec's");
        }
    }

    /** A stream without redundant audio. */
    public StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds,
                             int rtxPayloadType, long rtxSsrc, List<String> rids) {
        this(kind, ssrc, mid, codec, extensionIds, rtxPayloadType, rtxSsrc, rids, -1);
    }

    /** A single-layer stream. */
    public StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds,
                             int rtxPayloadType, long rtxSsrc) {
        this(kind, ssrc, mid, codec, extensionIds, rtxPayloadType, rtxSsrc, List.of());
    }

    /** A stream without retransmission (audio, a phone caller's voice). */
    public StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds) {
        this(kind, ssrc, mid, codec, extensionIds, -1, 0);
    }

    public boolean isSimulcast() {
        return rids.size() > 1;
    }

    public boolean hasRed() {
        return redPayloadType >= 0;
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
