package se.vardmote.signalling.sdp;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;

/**
 * Writes the server's offers on a subscribe connection (server sends, client receives) and checks the
 * client's answers. Payload types and header-extension ids on subscribe connections are fixed by the
 * server (see {@link #payloadType} and {@link #extensionIds}), so the router knows them at offer time.
 *
 * <p>Stateless; any thread. Sections are never removed (mids are not reused, RFC 8829 §5.2.2): a track
 * that is gone stays as an {@code a=inactive} section that keeps the BUNDLE port and its place in the
 * BUNDLE group (RFC 8843 §7.5 allows a bundled section to be inactive) and loses its a=msid and a=ssrc, so
 * the browser ends the remote track. Keeping it bundled, rather than port 0, means a later offer may
 * revive the same mid without a new transport.
 */
public final class SubscribeOfferer {
    private static final String DTLS_SRTP = "UDP/TLS/RTP/SAVPF";
    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";
    /** The server's send time on every packet: a subscriber without transport-cc estimates from it (REMB). */
    private static final String ABS_SEND_TIME = Router.ABS_SEND_TIME_URI;
    /**
     * A transport-wide sequence number on every packet: the subscriber's browser reports when each arrived
     * (transport-cc feedback) and the server estimates the subscriber's downlink from that.
     */
    private static final String TRANSPORT_CC = Router.TRANSPORT_CC_URI;
    private static final int OPUS_PT = 111;
    /** Redundant audio over Opus (RFC 2198), as Chromium numbers it. */
    public static final int RED_PT = 63;
    private static final int VP8_PT = 96;
    private static final int H264_PT = 102;
    private static final int VP8_RTX_PT = 97;
    private static final int H264_RTX_PT = 103;
    private static final String OPUS_FMTP = "minptime=10;useinbandfec=1";
    private static final String H264_FMTP = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
    /**
     * transport-cc: the subscriber reports arrivals and the server estimates; goog-remb stays for a browser
     * that lacks transport-cc and estimates its downlink itself from abs-send-time.
     */
    private static final List<String> VIDEO_FEEDBACK = List.of("transport-cc", "goog-remb", "nack", "nack pli", "ccm fir");
    private static final List<String> AUDIO_FEEDBACK = List.of("transport-cc");

    private SubscribeOfferer() {
    }

    /**
     * An offer with one section per track, in order (sendonly when active, inactive otherwise),
     * BUNDLE over the active ones, a=setup:actpass, a=ice-lite, rtcp-mux, a=msid and a=ssrc lines.
     *
     * <p>As built, inactive sections are in the BUNDLE group too (see the class comment). With no tracks
     * the offer has no m= lines and no BUNDLE group.
     *
     * @throws IllegalArgumentException for a track whose ids are not 1-64 SDP token characters, whose
     *                                  codec does not fit its kind, whose mid repeats, or whose SSRC is 0
     */
    public static String offer(long sessionId, long version, LocalTransport local, List<OfferedTrack> tracks) {
        Set<String> mids = new HashSet<>();
        for (OfferedTrack t : tracks) {
            validate(t);
            if (!mids.add(t.mid())) {
                throw new IllegalArgumentException("mid " + t.mid() + " appears twice");
            }
        }
        SdpWriter sdp = new SdpWriter()
                .sessionHeader(Long.toUnsignedString(sessionId), Long.toUnsignedString(version))
                .line("a=ice-lite");
        if (!tracks.isEmpty()) {
            StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
            for (OfferedTrack t : tracks) {
                bundle.append(' ').append(t.mid());
            }
            sdp.line(bundle.toString());
        }
        sdp.line("a=msid-semantic: WMS");
        for (OfferedTrack t : tracks) {
            int pt = payloadType(t.codecName());
            boolean rtx = t.kind() == MediaKind.VIDEO && t.rtxSsrc() != 0;
            int rtxPt = rtx ? rtxPayloadType(t.codecName()) : -1;
            boolean red = t.kind() == MediaKind.AUDIO;
            sdp.line("m=" + t.kind().sdpName() + " " + SdpWriter.port(local) + " " + DTLS_SRTP + " " + pt
                    + (rtx ? " " + rtxPt : "") + (red ? " " + RED_PT : ""));
            sdp.transport(local, "actpass");
            sdp.line("a=mid:" + t.mid());
            extensionIds(t.kind()).entrySet().stream()
                    .sorted(Map.Entry.comparingByValue())
                    .forEach(e -> sdp.line("a=extmap:" + e.getValue() + " " + e.getKey()));
            if (t.active()) {
                sdp.line("a=sendonly");
                sdp.line("a=msid:" + t.streamId() + " " + t.trackId());
            } else {
                sdp.line("a=inactive");
            }
            sdp.line("a=rtcp-mux");
            sdp.line("a=rtcp-rsize");
            switch (canonicalCodec(t.codecName())) {
                case "opus" -> {
                    sdp.line("a=rtpmap:" + pt + " opus/48000/2");
                    sdp.line("a=fmtp:" + pt + " " + OPUS_FMTP);
                    // Offered after Opus: the server sends RED where a publisher sends it and the answer kept it.
                    sdp.line("a=rtpmap:" + RED_PT + " red/48000/2");
                    sdp.line("a=fmtp:" + RED_PT + " " + pt + "/" + pt);
                }
                case "VP8" -> sdp.line("a=rtpmap:" + pt + " VP8/90000");
                default -> {
                    sdp.line("a=rtpmap:" + pt + " H264/90000");
                    sdp.line("a=fmtp:" + pt + " " + H264_FMTP);
                }
            }
            for (String fb : t.kind() == MediaKind.VIDEO ? VIDEO_FEEDBACK : AUDIO_FEEDBACK) {
                sdp.line("a=rtcp-fb:" + pt + " " + fb);
            }
            if (rtx) {
                sdp.line("a=rtpmap:" + rtxPt + " rtx/90000");
                sdp.line("a=fmtp:" + rtxPt + " apt=" + pt);
            }
            if (t.active()) {
                if (rtx) {
                    sdp.line("a=ssrc-group:FID " + t.ssrc() + " " + t.rtxSsrc());
                }
                // RFC 5576 §4.1: cname groups a participant's streams for lip sync; the stream id does that.
                sdp.line("a=ssrc:" + t.ssrc() + " cname:" + t.streamId());
                sdp.line("a=ssrc:" + t.ssrc() + " msid:" + t.streamId() + " " + t.trackId());
                if (rtx) {
                    sdp.line("a=ssrc:" + t.rtxSsrc() + " cname:" + t.streamId());
                    sdp.line("a=ssrc:" + t.rtxSsrc() + " msid:" + t.streamId() + " " + t.trackId());
                }
            }
            sdp.candidates(local);
        }
        return sdp.toString();
    }

    /** Checks an answer to {@link #offer}: same mids, DTLS setup active, fingerprint present. */
    public static RemoteTransport accept(String answerSdp, List<OfferedTrack> tracks) throws SdpException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        if (answer.media().size() != tracks.size()) {
            throw mismatch("the answer has " + answer.media().size() + " m= sections; the offer had " + tracks.size());
        }
        MediaDescription transportSection = null;
        for (int i = 0; i < tracks.size(); i++) {
            OfferedTrack t = tracks.get(i);
            MediaDescription m = answer.media().get(i);
            if (!t.mid().equals(m.mid()) || !t.kind().sdpName().equals(m.kind())) {
                throw mismatch("section " + i + " of the answer is not " + t.kind().sdpName() + " mid " + t.mid()
                        + " (RFC 3264 §6: the answer keeps the offer's sections in order)");
            }
            if (m.port() == 0) {
                continue; // the client rejected this section: allowed, nothing is sent on it
            }
            if (!(m.direction().equals("recvonly") || m.direction().equals("inactive"))) {
                throw mismatch("section " + m.mid() + " is " + m.direction() + "; to a sendonly or inactive offer the "
                        + "answer is recvonly or inactive (RFC 3264 §6.1)");
            }
            if (!m.formats().contains(Integer.toString(payloadType(t.codecName())))) {
                throw mismatch("section " + m.mid() + " does not keep payload type " + payloadType(t.codecName()));
            }
            if (answer.bundleMids() == null || !answer.bundleMids().contains(m.mid())) {
                throw new SdpException("sdp_no_bundle", "sdp_no_bundle: section " + m.mid()
                        + " is not in the answer's a=group:BUNDLE (RFC 8843)");
            }
            if (!m.rtcpMux()) {
                throw new SdpException("sdp_no_rtcp_mux", "sdp_no_rtcp_mux: section " + m.mid() + " lacks a=rtcp-mux");
            }
            if (m.fingerprint("sha-256") == null) {
                throw new SdpException("sdp_no_dtls", "sdp_no_dtls: section " + m.mid() + " has no a=fingerprint:sha-256");
            }
            if (m.iceUfrag() == null || m.icePwd() == null) {
                throw new SdpException("sdp_invalid", "sdp_invalid: section " + m.mid() + " has no a=ice-ufrag and a=ice-pwd");
            }
            // RFC 5763 §5 / RFC 4145 §4: absent means active; the server must stay the DTLS server.
            if (m.setup() != null && !m.setup().equals("active")) {
                throw mismatch("section " + m.mid() + " has a=setup:" + m.setup()
                        + "; answer a=setup:active, the server is always the DTLS server");
            }
            if (transportSection == null
                    || answer.bundleMids().indexOf(m.mid()) < answer.bundleMids().indexOf(transportSection.mid())) {
                transportSection = m;
            }
        }
        if (transportSection == null) {
            // Nothing accepted (or no tracks): no transport in use; report what the session level says, if anything.
            Fingerprint f = answer.fingerprints().isEmpty() ? null : answer.fingerprints().get(0);
            return new RemoteTransport(answer.iceUfrag(), answer.icePwd(), f == null ? null : f.hash(),
                    f == null ? null : f.value());
        }
        Fingerprint f = transportSection.fingerprint("sha-256");
        return new RemoteTransport(transportSection.iceUfrag(), transportSection.icePwd(), f.hash(), f.value());
    }

    /**
     * The mids of {@code tracks}' audio sections whose answer kept {@link #RED_PT}: that subscriber decodes
     * redundant audio. Call after {@link #accept} has checked the answer.
     */
    public static Set<String> redAccepted(String answerSdp, List<OfferedTrack> tracks) throws SdpException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        Set<String> mids = new HashSet<>();
        for (int i = 0; i < tracks.size() && i < answer.media().size(); i++) {
            MediaDescription m = answer.media().get(i);
            if (tracks.get(i).kind() == MediaKind.AUDIO && m.port() != 0
                    && m.formats().contains(Integer.toString(RED_PT))) {
                mids.add(m.mid());
            }
        }
        return mids;
    }

    /** The payload type subscribe connections use for a codec ({@code opus} 111, {@code VP8} 96, {@code H264} 102). */
    public static int payloadType(String codecName) {
        return switch (canonicalCodec(codecName)) {
            case "opus" -> OPUS_PT;
            case "VP8" -> VP8_PT;
            default -> H264_PT;
        };
    }

    /** The RTX payload type (RFC 4588) subscribe connections use for a video codec ({@code VP8} 97, {@code H264} 103). */
    public static int rtxPayloadType(String codecName) {
        return switch (canonicalCodec(codecName)) {
            case "VP8" -> VP8_RTX_PT;
            case "H264" -> H264_RTX_PT;
            default -> throw new IllegalArgumentException("no RTX for " + codecName);
        };
    }

    /** Header-extension URI to id that subscribe connections use for a kind. */
    public static Map<String, Integer> extensionIds(MediaKind kind) {
        return switch (kind) {
            case AUDIO -> Map.of(AUDIO_LEVEL, 1, ABS_SEND_TIME, 3, TRANSPORT_CC, 5);
            case VIDEO -> Map.of(ABS_SEND_TIME, 3, TRANSPORT_CC, 5, VIDEO_ORIENTATION, 13);
        };
    }

    private static String canonicalCodec(String codecName) {
        String name = codecName == null ? "" : codecName.toUpperCase(Locale.ROOT);
        return switch (name) {
            case "OPUS" -> "opus";
            case "VP8" -> "VP8";
            case "H264" -> "H264";
            default -> throw new IllegalArgumentException("unknown codec " + codecName + "; use opus, VP8 or H264");
        };
    }

    private static void validate(OfferedTrack t) {
        if (t.kind() == null) {
            throw new IllegalArgumentException("track " + t.mid() + " has no kind");
        }
        requireId(t.mid(), "mid");
        requireId(t.streamId(), "stream id");
        requireId(t.trackId(), "track id");
        boolean audioCodec = canonicalCodec(t.codecName()).equals("opus");
        if (audioCodec != (t.kind() == MediaKind.AUDIO)) {
            throw new IllegalArgumentException("track " + t.mid() + ": codec " + t.codecName() + " is not for " + t.kind());
        }
        if (t.active() && (t.ssrc() <= 0 || t.ssrc() > 0xFFFFFFFFL)) {
            throw new IllegalArgumentException("track " + t.mid() + " has SSRC " + t.ssrc() + "; it must be 1..2^32-1");
        }
        if (t.rtxSsrc() < 0 || t.rtxSsrc() > 0xFFFFFFFFL || (t.rtxSsrc() != 0 && t.rtxSsrc() == t.ssrc())) {
            throw new IllegalArgumentException("track " + t.mid() + " has RTX SSRC " + t.rtxSsrc());
        }
    }

    /** RFC 8830 §2 msid-id and RFC 5888 mid: 1-64 token characters, so no id can break a line. */
    private static void requireId(String id, String what) {
        if (id == null || id.isEmpty() || id.length() > 64 || !SessionDescription.isToken(id)) {
            throw new IllegalArgumentException(what + " '" + id + "' is not 1-64 SDP token characters");
        }
    }

    private static SdpException mismatch(String message) {
        return new SdpException("sdp_mismatch", "sdp_mismatch: " + message);
    }
}
