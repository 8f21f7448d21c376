package se.vardmote.signalling.sdp;

import java.util.List;
import java.util.Map;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;

/**
 * A section of a publish offer the server accepted: what the client will send.
 *
 * @param ssrc         from a=ssrc (the first of a FID group); 0 when the offer names none
 * @param codec        the single codec the answer kept, with the client's payload type
 * @param extensionIds   URI to id, only for extensions the answer kept
 * @param rtxPayloadType the codec's RTX payload type the answer kept (RFC 4588 apt); -1 for none
 * @param rtxSsrc        the RTX SSRC (second of the a=ssrc-group:FID); 0 when not signalled
 * @param rids           the simulcast layers the answer accepted (RFC 8853), empty for one layer
 * @param redPayloadType the redundant-audio (RFC 2198) payload type over the codec the answer kept; -1 for none
 */
public record AcceptedStream(String mid, MediaKind kind, long ssrc, String msidStream, String msidTrack,
                             RtpCodec codec, Map<String, Integer> extensionIds, int rtxPayloadType, long rtxSsrc,
                             List<String> rids, int redPayloadType) {
    public AcceptedStream {
        extensionIds = Map.copyOf(extensionIds);
        rids = List.copyOf(rids);
    }

    /** A stream without redundant audio. */
    public AcceptedStream(String mid, MediaKind kind, long ssrc, String msidStream, String msidTrack,
                          RtpCodec codec, Map<String, Integer> extensionIds, int rtxPayloadType, long rtxSsrc,
                          List<String> rids) {
        this(mid, kind, ssrc, msidStream, msidTrack, codec, extensionIds, rtxPayloadType, rtxSsrc, rids, -1);
    }

    /** A single-layer stream. */
    public AcceptedStream(String mid, MediaKind kind, long ssrc, String msidStream, String msidTrack,
                          RtpCodec codec, Map<String, Integer> extensionIds, int rtxPayloadType, long rtxSsrc) {
        this(mid, kind, ssrc, msidStream, msidTrack, codec, extensionIds, rtxPayloadType, rtxSsrc, List.of());
    }

    /** A stream without RTX (audio, a phone caller's voice). */
    public AcceptedStream(String mid, MediaKind kind, long ssrc, String msidStream, String msidTrack,
                          RtpCodec codec, Map<String, Integer> extensionIds) {
        this(mid, kind, ssrc, msidStream, msidTrack, codec, extensionIds, -1, 0);
    }

    public StreamDescription toStreamDescription() {
        return new StreamDescription(kind, ssrc, mid, codec, extensionIds, rtxPayloadType, rtxSsrc, rids,
                redPayloadType);
    }
}
