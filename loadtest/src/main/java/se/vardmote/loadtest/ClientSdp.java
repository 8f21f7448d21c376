package se.vardmote.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the SDP a browser would send, as the load tester's participants send it: the publish offer
 * (BUNDLE, rtcp-mux, {@code UDP/TLS/RTP/SAVPF}, Opus 111 and VP8 96, {@code a=setup:actpass}, sendonly,
 * a=ssrc with msid) and the answer to a subscribe offer (the same mids in order, recvonly, {@code
 * a=setup:active}). The load tester is ICE-full but gathers no candidates it needs to tell: the server is
 * ICE-lite and learns our address from our checks (RFC 8445 §2.5), so both carry port 9 and no candidate.
 * Stateless; any thread.
 */
final class ClientSdp {

    static final int OPUS_PT = 111;
    static final int VP8_PT = 96;

    /** The identity of one client transport as SDP tells it. */
    record Identity(String ufrag, String pwd, String fingerprint) {}

    private ClientSdp() {}

    /**
     * @param streamId   the msid stream id (browsers put a random id; the server tells others the participant id)
     * @param videoSsrc  0 for an audio-only participant
     */
    static String publishOffer(long sessionId, Identity id, String streamId, long audioSsrc, long videoSsrc) {
        StringBuilder sdp = new StringBuilder(1024);
        header(sdp, sessionId);
        line(sdp, "a=group:BUNDLE 0" + (videoSsrc != 0 ? " 1" : ""));
        line(sdp, "a=msid-semantic: WMS " + streamId);
        section(sdp, "audio", "0", OPUS_PT, id, "actpass", "sendonly");
        line(sdp, "a=msid:" + streamId + " audio-" + streamId);
        line(sdp, "a=rtpmap:111 opus/48000/2");
        line(sdp, "a=fmtp:111 minptime=10;useinbandfec=1");
        ssrc(sdp, audioSsrc, streamId, "audio-" + streamId);
        if (videoSsrc != 0) {
            section(sdp, "video", "1", VP8_PT, id, "actpass", "sendonly");
            line(sdp, "a=msid:" + streamId + " video-" + streamId);
            line(sdp, "a=rtpmap:96 VP8/90000");
            line(sdp, "a=rtcp-fb:96 nack");
            line(sdp, "a=rtcp-fb:96 nack pli");
            line(sdp, "a=rtcp-fb:96 ccm fir");
            ssrc(sdp, videoSsrc, streamId, "video-" + streamId);
        }
        return sdp.toString();
    }

    /** The answer to a server's subscribe offer: every section kept, in order, with its first payload type. */
    static String subscribeAnswer(long sessionId, Identity id, ServerSdp offer) {
        StringBuilder sdp = new StringBuilder(1024);
        header(sdp, sessionId);
        List<String> mids = new ArrayList<>();
        for (ServerSdp.Section s : offer.sections()) if (s.mid() != null && s.port() != 0) mids.add(s.mid());
        if (!mids.isEmpty()) line(sdp, "a=group:BUNDLE " + String.join(" ", mids));
        line(sdp, "a=msid-semantic: WMS");
        for (ServerSdp.Section s : offer.sections()) {
            int pt = s.payloadTypes().isEmpty() ? 0 : s.payloadTypes().get(0);
            if (s.port() == 0) {
                line(sdp, "m=" + s.kind() + " 0 UDP/TLS/RTP/SAVPF " + pt);
                line(sdp, "c=IN IP4 0.0.0.0");
                if (s.mid() != null) line(sdp, "a=mid:" + s.mid());
                line(sdp, "a=inactive");
                continue;
            }
            section(sdp, s.kind(), s.mid(), pt, id, "active", s.active() ? "recvonly" : "inactive");
            if ("audio".equals(s.kind())) {
                line(sdp, "a=rtpmap:" + pt + " opus/48000/2");
                line(sdp, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
            } else {
                line(sdp, "a=rtpmap:" + pt + " VP8/90000");
                line(sdp, "a=rtcp-fb:" + pt + " nack");
                line(sdp, "a=rtcp-fb:" + pt + " nack pli");
            }
        }
        return sdp.toString();
    }

    private static void header(StringBuilder sdp, long sessionId) {
        line(sdp, "v=0");
        line(sdp, "o=- " + sessionId + " 2 IN IP4 127.0.0.1");
        line(sdp, "s=-");
        line(sdp, "t=0 0");
    }

    private static void section(StringBuilder sdp, String kind, String mid, int pt, Identity id, String setup,
                                String direction) {
        line(sdp, "m=" + kind + " 9 UDP/TLS/RTP/SAVPF " + pt);
        line(sdp, "c=IN IP4 0.0.0.0");
        line(sdp, "a=rtcp:9 IN IP4 0.0.0.0");
        line(sdp, "a=ice-ufrag:" + id.ufrag());
        line(sdp, "a=ice-pwd:" + id.pwd());
        line(sdp, "a=ice-options:trickle");
        line(sdp, "a=fingerprint:sha-256 " + id.fingerprint());
        line(sdp, "a=setup:" + setup);
        line(sdp, "a=mid:" + mid);
        line(sdp, "a=" + direction);
        line(sdp, "a=rtcp-mux");
        line(sdp, "a=rtcp-rsize");
    }

    private static void ssrc(StringBuilder sdp, long ssrc, String streamId, String trackId) {
        line(sdp, "a=ssrc:" + ssrc + " cname:" + streamId);
        line(sdp, "a=ssrc:" + ssrc + " msid:" + streamId + " " + trackId);
    }

    private static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
