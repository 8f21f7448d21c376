package se.vardmote.media.router;

import java.util.Map;
import se.vardmote.media.MediaKind;

/**
 * A stream a participant publishes, as negotiated on its publish transport.
 *
 * @param kind         audio or video
 * @param ssrc         the publisher's media SSRC (from a=ssrc); 0 if unknown, then {@code mid} binds it on first packet
 * @param mid          the m-section's mid
 * @param codec        the one codec the answer accepted (payload type as the publisher sends it)
 * @param extensionIds header-extension URI to the id the publisher uses
 */
public record StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds) {
    public StreamDescription {
        extensionIds = Map.copyOf(extensionIds);
    }
}
