package se.vardmote.signalling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.Router;

class SubscribeOffererTest {

    private static final OfferedTrack AUDIO =
            new OfferedTrack("a1", MediaKind.AUDIO, "alice", "alice-mic", 1111L, "opus", true);
    private static final OfferedTrack VIDEO =
            new OfferedTrack("v1", MediaKind.VIDEO, "alice", "alice-cam", 2222L, "VP8", true);
    private static final OfferedTrack GONE =
            new OfferedTrack("v0", MediaKind.VIDEO, "bob", "bob-cam", 3333L, "H264", false);
    private static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    private static final String CLIENT_FINGERPRINT =
            "4C:38:08:F1:3D:BE:7F:F3:03:77:9A:D0:4D:50:D9:D5:65:51:3B:5A:7C:C5:D8:14:B3:0E:CB:41:CB:E3:75:F4";

    @Test
    void usesFixedPayloadTypesAndExtensionIds() {
        assertEquals(111, SubscribeOfferer.payloadType("opus"));
        assertEquals(96, SubscribeOfferer.payloadType("VP8"));
        assertEquals(102, SubscribeOfferer.payloadType("H264"));
        assertEquals(Map.of("urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1, ABS_SEND_TIME, 3, Router.TRANSPORT_CC_URI, 5),
                SubscribeOfferer.extensionIds(MediaKind.AUDIO));
        assertEquals(Map.of(ABS_SEND_TIME, 3, Router.TRANSPORT_CC_URI, 5, "urn:3gpp:video-orientation", 13),
                SubscribeOfferer.extensionIds(MediaKind.VIDEO));
        assertThrows(IllegalArgumentException.class, () -> SubscribeOfferer.payloadType("VP9"));
    }

    @Test
    void offerRoundTripsThroughOurParser() throws SdpException {
        String offer = SubscribeOfferer.offer(42L, 3L, SdpFixtures.LOCAL, List.of(AUDIO, VIDEO, GONE));
        assertTrue(offer.startsWith("v=0\r\no=- 42 3 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n"
                + "a=group:BUNDLE a1 v1 v0\r\na=msid-semantic: WMS\r\n"), offer);
        SessionDescription sdp = SessionDescription.parse(offer);
        assertTrue(sdp.iceLite());
        assertEquals(List.of("a1", "v1", "v0"), sdp.bundleMids());

        MediaDescription audio = sdp.media().get(0);
        assertEquals("audio", audio.kind());
        assertEquals(10000, audio.port());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.proto());
        assertEquals(List.of("111", "63"), audio.formats());
        assertEquals("sendonly", audio.direction());
        assertEquals("actpass", audio.setup());
        assertEquals("srvU", audio.iceUfrag());
        assertEquals(SdpFixtures.SERVER_FINGERPRINT, audio.fingerprint("sha-256").value());
        assertTrue(audio.rtcpMux());
        assertTrue(audio.rtcpRsize());
        assertEquals("minptime=10;useinbandfec=1", audio.fmtps().get(111));
        assertEquals(new MediaDescription.Msid("alice", "alice-mic"), audio.msid());
        assertEquals("alice", audio.ssrcAttribute(1111L, "cname"));
        assertEquals("alice alice-mic", audio.ssrcAttribute(1111L, "msid"));
        assertEquals(List.of(new MediaDescription.Extmap(1, null, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
                new MediaDescription.Extmap(3, null, ABS_SEND_TIME),
                new MediaDescription.Extmap(5, null, Router.TRANSPORT_CC_URI)), audio.extmaps());
        assertEquals(List.of("transport-cc"), audio.rtcpFeedbackFor(111), "audio counts towards the estimate too");

        MediaDescription video = sdp.media().get(1);
        assertEquals(new MediaDescription.RtpMap(96, "VP8", 90000, 1), video.rtpMaps().get(96));
        assertEquals(List.of("transport-cc", "goog-remb", "nack", "nack pli", "ccm fir"), video.rtcpFeedbackFor(96),
                "transport-cc: the subscriber reports arrivals and the server estimates; goog-remb for a browser without it");
        assertEquals(List.of(new MediaDescription.Extmap(3, null, ABS_SEND_TIME),
                new MediaDescription.Extmap(5, null, Router.TRANSPORT_CC_URI),
                new MediaDescription.Extmap(13, null, "urn:3gpp:video-orientation")), video.extmaps());

        MediaDescription gone = sdp.media().get(2);
        assertEquals(10000, gone.port(), "an inactive section keeps the bundle port");
        assertEquals("inactive", gone.direction());
        assertEquals(List.of("102"), gone.formats());
        assertEquals("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", gone.fmtps().get(102));
        assertTrue(gone.ssrcs().isEmpty());
        assertEquals(null, gone.msid());

        assertEquals(3, count(offer, "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host\r\n"));
        assertEquals(3, count(offer, "a=end-of-candidates\r\n"));
        assertFalse(offer.replace("\r\n", "").contains("\n"));
    }

    @Test
    void offersVideoWithRtxInAnFidGroup() throws SdpException {
        OfferedTrack video = new OfferedTrack("v1", MediaKind.VIDEO, "alice", "alice-cam", 2222L, "VP8", true, 2223L);
        String offer = SubscribeOfferer.offer(42L, 3L, SdpFixtures.LOCAL, List.of(AUDIO, video));
        MediaDescription m = SessionDescription.parse(offer).media().get(1);
        assertEquals(List.of("96", "97"), m.formats());
        assertEquals(new MediaDescription.RtpMap(97, "rtx", 90000, 1), m.rtpMaps().get(97));
        assertEquals("apt=96", m.fmtps().get(97));
        assertEquals(List.of(new MediaDescription.SsrcGroup("FID", List.of(2222L, 2223L))), m.ssrcGroups());
        assertEquals("alice alice-cam", m.ssrcAttribute(2223L, "msid"));
        assertEquals(97, SubscribeOfferer.rtxPayloadType("VP8"));
        assertEquals(103, SubscribeOfferer.rtxPayloadType("H264"));

        MediaDescription gone = SessionDescription.parse(SubscribeOfferer.offer(42L, 4L, SdpFixtures.LOCAL,
                List.of(AUDIO, video.inactive()))).media().get(1);
        assertEquals(List.of("96", "97"), gone.formats(), "an inactive section keeps its formats");
        assertTrue(gone.ssrcGroups().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL,
                List.of(new OfferedTrack("v1", MediaKind.VIDEO, "a", "b", 5L, "VP8", true, 5L))));
    }

    @Test
    void writesValidOfferWithoutTracks() throws SdpException {
        String offer = SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL, List.of());
        assertEquals("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-lite\r\na=msid-semantic: WMS\r\n", offer);
        assertTrue(SessionDescription.parse(offer).media().isEmpty());
    }

    @Test
    void refusesIdsThatCouldBreakTheSdp() {
        OfferedTrack evil = new OfferedTrack("a1", MediaKind.AUDIO, "x\r\na=setup:active", "t", 1L, "opus", true);
        assertThrows(IllegalArgumentException.class,
                () -> SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL, List.of(evil)));
        OfferedTrack spaced = new OfferedTrack("a 1", MediaKind.AUDIO, "s", "t", 1L, "opus", true);
        assertThrows(IllegalArgumentException.class,
                () -> SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL, List.of(spaced)));
        OfferedTrack wrongCodec = new OfferedTrack("a1", MediaKind.AUDIO, "s", "t", 1L, "VP8", true);
        assertThrows(IllegalArgumentException.class,
                () -> SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL, List.of(wrongCodec)));
        assertThrows(IllegalArgumentException.class,
                () -> SubscribeOfferer.offer(1L, 1L, SdpFixtures.LOCAL, List.of(AUDIO, AUDIO)));
    }

    @Test
    void acceptsBrowserStyleAnswer() throws SdpException {
        RemoteTransport remote = SubscribeOfferer.accept(answer("active", "recvonly", "a1 v1 v0"), List.of(AUDIO, VIDEO, GONE));
        assertEquals(new RemoteTransport("cLnT", "clientpassword0123456789", "sha-256", CLIENT_FINGERPRINT), remote);
    }

    @Test
    void acceptsAnswerWithBareLineFeeds() throws SdpException {
        RemoteTransport remote = SubscribeOfferer.accept(answer("active", "recvonly", "a1 v1 v0").replace("\r\n", "\n"),
                List.of(AUDIO, VIDEO, GONE));
        assertEquals("cLnT", remote.ufrag());
    }

    @Test
    void refusesAnswerThatMakesServerTheDtlsClient() {
        assertCode("sdp_mismatch", answer("passive", "recvonly", "a1 v1 v0"));
        assertCode("sdp_mismatch", answer("actpass", "recvonly", "a1 v1 v0"));
    }

    @Test
    void refusesAnswerThatSends() {
        assertCode("sdp_mismatch", answer("active", "sendrecv", "a1 v1 v0"));
    }

    @Test
    void refusesAnswerWithOtherMidsOrOrder() {
        assertCode("sdp_mismatch", answer("active", "recvonly", "a1 v1 v0").replace("a=mid:v1", "a=mid:vx"));
        SdpException e = assertThrows(SdpException.class,
                () -> SubscribeOfferer.accept(answer("active", "recvonly", "a1 v1 v0"), List.of(VIDEO, AUDIO, GONE)));
        assertEquals("sdp_mismatch", e.code());
        e = assertThrows(SdpException.class,
                () -> SubscribeOfferer.accept(answer("active", "recvonly", "a1 v1 v0"), List.of(AUDIO, VIDEO)));
        assertEquals("sdp_mismatch", e.code());
    }

    @Test
    void refusesAnswerWithoutFingerprint() {
        assertCode("sdp_no_dtls", answer("active", "recvonly", "a1 v1 v0").replaceAll("a=fingerprint:[^\r]*\r\n", ""));
    }

    @Test
    void refusesAnswerWithoutBundle() {
        assertCode("sdp_no_bundle", answer("active", "recvonly", "a1 v0"));
    }

    @Test
    void allowsClientToRejectASection() throws SdpException {
        String rejected = answer("active", "recvonly", "a1 v0").replace("m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 0 UDP/TLS/RTP/SAVPF 96");
        assertEquals("cLnT", SubscribeOfferer.accept(rejected, List.of(AUDIO, VIDEO, GONE)).ufrag());
    }

    private static void assertCode(String code, String answer) {
        SdpException e = assertThrows(SdpException.class, () -> SubscribeOfferer.accept(answer, List.of(AUDIO, VIDEO, GONE)));
        assertEquals(code, e.code(), e.getMessage());
    }

    /** An answer as Chromium writes one to our subscribe offer (the gone track answered inactive). */
    @Test
    void offersRedAfterOpusAndKnowsWhichAnswersKeptIt() throws SdpException {
        String offer = SubscribeOfferer.offer(1, 1, SdpFixtures.LOCAL, List.of(AUDIO, VIDEO, GONE));
        assertTrue(offer.contains("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n"), offer);
        String keptRed = answer("active", "recvonly", "a1 v1 v0").replace("UDP/TLS/RTP/SAVPF 111\r\n",
                "UDP/TLS/RTP/SAVPF 111 63\r\n");
        SubscribeOfferer.accept(keptRed, List.of(AUDIO, VIDEO, GONE));
        assertEquals(java.util.Set.of("a1"), SubscribeOfferer.redAccepted(keptRed, List.of(AUDIO, VIDEO, GONE)));
        assertEquals(java.util.Set.of(), SubscribeOfferer.redAccepted(answer("active", "recvonly", "a1 v1 v0"),
                List.of(AUDIO, VIDEO, GONE)), "an answer with Opus alone gets the primary frames");
    }

    private static String answer(String setup, String direction, String bundle) {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE " + bundle + "\r\na=msid-semantic: WMS\r\n");
        String[][] sections = {{"audio", "111", "a1", direction}, {"video", "96", "v1", direction}, {"video", "102", "v0", "inactive"}};
        for (String[] s : sections) {
            sdp.append("m=").append(s[0]).append(" 9 UDP/TLS/RTP/SAVPF ").append(s[1]).append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n")
                    .append("a=ice-ufrag:cLnT\r\na=ice-pwd:clientpassword0123456789\r\na=ice-options:trickle\r\n")
                    .append("a=fingerprint:sha-256 ").append(CLIENT_FINGERPRINT).append("\r\n")
                    .append("a=setup:").append(setup).append("\r\n")
                    .append("a=mid:").append(s[2]).append("\r\n")
                    .append("a=").append(s[3]).append("\r\n")
                    .append("a=rtcp-mux\r\na=rtcp-rsize\r\n")
                    .append("a=rtpmap:").append(s[1]).append(s[0].equals("audio") ? " opus/48000/2" : s[1].equals("96") ? " VP8/90000" : " H264/90000").append("\r\n");
        }
        return sdp.toString();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
