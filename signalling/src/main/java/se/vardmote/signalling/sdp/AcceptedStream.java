package se.vardmote.signalling.sdp;

import java.util.Map;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;

/**
 * A section of a publish offer the server accepted: what the client will send.
 *
 * @param ssrc         from a=ssrc (the first of a FID group); 0 when the offer names none
 * @param codec        the single codec the answer kept, with the client's payload type
 * @param extensionIds URI to id, only for extensions the answer kept
 */
public record AcceptedStream(String mid, MediaKind kind, long ssrc, String msidStream, String msidTrack,
                             RtpCodec codec, Map<String, Integer> extensionIds) {
    public AcceptedStream {
        extensionIds = Map.copyOf(extensionIds);
    }

    public StreamDescription toStreamDescription() {
        return new StreamDescription(kind, ssrc, mid, codec, extensionIds);
    }
}
