package se.vardmote.signalling.sdp;

import java.util.List;
import java.util.Map;
import se.vardmote.media.MediaKind;

/**
 * Writes the server's offers on a subscribe connection (server sends, client receives) and checks the
 * client's answers. Payload types and header-extension ids on subscribe connections are fixed by the
 * server (see {@link #payloadType} and {@link #extensionIds}), so the router knows them at offer time.
 */
public final class SubscribeOfferer {
    private SubscribeOfferer() {
    }

    /**
     * An offer with one section per track, in order (sendonly when active, inactive otherwise),
     * BUNDLE over the active ones, a=setup:actpass, a=ice-lite, rtcp-mux, a=msid and a=ssrc lines.
     */
    public static String offer(long sessionId, long version, LocalTransport local, List<OfferedTrack> tracks) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Checks an answer to {@link #offer}: same mids, DTLS setup active, fingerprint present. */
    public static RemoteTransport accept(String answerSdp, List<OfferedTrack> tracks) throws SdpException {
        throw new UnsupportedOperationException("TODO");
    }

    /** The payload type subscribe connections use for a codec ({@code opus} 111, {@code VP8} 96, {@code H264} 102). */
    public static int payloadType(String codecName) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Header-extension URI to id that subscribe connections use for a kind. */
    public static Map<String, Integer> extensionIds(MediaKind kind) {
        throw new UnsupportedOperationException("TODO");
    }
}
