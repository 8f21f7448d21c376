package se.vardmote.media.router;

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
 */
public record StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds,
                                int rtxPayloadType, long rtxSsrc) {
    public StreamDescription {
        extensionIds = Map.copyOf(extensionIds);
        if (rtxPayloadType < -1 || rtxPayloadType > 127) {
            throw new IllegalArgumentException("rtx payload type " + rtxPayloadType + " is not 0..127 (or -1)");
        }
    }

    /** A stream without retransmission (audio, a phone caller's voice). */
    public StreamDescription(MediaKind kind, long ssrc, String mid, RtpCodec codec, Map<String, Integer> extensionIds) {
        this(kind, ssrc, mid, codec, extensionIds, -1, 0);
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
