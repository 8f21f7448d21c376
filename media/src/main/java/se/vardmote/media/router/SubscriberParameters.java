package se.vardmote.media.router;

import java.util.Map;

/**
 * How one subscriber receives one stream, as the server offered it on the subscribe transport.
 *
 * @param ssrc         the SSRC the subscriber sees (server-chosen, stable across re-publishing)
 * @param payloadType  the payload type for the stream's codec on the subscribe transport
 * @param extensionIds header-extension URI to id on the subscribe transport; extensions not named are stripped
 */
public record SubscriberParameters(long ssrc, int payloadType, Map<String, Integer> extensionIds) {
    public SubscriberParameters {
        extensionIds = Map.copyOf(extensionIds);
    }
}
