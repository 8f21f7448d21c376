package se.vardmote.media.router;

import java.util.Map;

/**
 * How one subscriber receives one stream, as the server offered it on the subscribe transport.
 *
 * @param ssrc           the SSRC the subscriber sees (server-chosen, stable across re-publishing)
 * @param payloadType    the payload type for the stream's codec on the subscribe transport
 * @param extensionIds   header-extension URI to id on the subscribe transport; extensions not named are stripped
 * @param rtxPayloadType the RTX payload type (RFC 4588) the subscriber accepted for this codec; -1 for none, and then
 *                       a NACK from this subscriber is answered by resending the packet as it was first sent
 * @param rtxSsrc        the server-chosen SSRC of the subscriber's RTX stream (a=ssrc-group:FID); 0 with no RTX
 */
public record SubscriberParameters(long ssrc, int payloadType, Map<String, Integer> extensionIds,
                                   int rtxPayloadType, long rtxSsrc) {
    public SubscriberParameters {
        extensionIds = Map.copyOf(extensionIds);
        if (rtxPayloadType < -1 || rtxPayloadType > 127) {
            throw new IllegalArgumentException("rtx payload type " + rtxPayloadType + " is not 0..127 (or -1)");
        }
    }

    /** A subscriber without RTX. */
    public SubscriberParameters(long ssrc, int payloadType, Map<String, Integer> extensionIds) {
        this(ssrc, payloadType, extensionIds, -1, 0);
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
