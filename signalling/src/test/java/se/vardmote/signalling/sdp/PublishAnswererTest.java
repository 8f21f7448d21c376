package se.vardmote.signalling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.RtpCodec;

class PublishAnswererTest {

    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    private static final String CVO = "urn:3gpp:video-orientation";
    private static final String TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    @Test
    void answersChromiumOfferWithItsOwnPayloadTypesAndExtensionIds() throws SdpException {
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL);

        assertEquals(2, answer.streams().size());
        AcceptedStream audio = answer.streams().get(0);
        assertEquals("0", audio.mid());
        assertEquals(MediaKind.AUDIO, audio.kind());
        assertEquals(332767176L, audio.ssrc());
        assertEquals("8c8178be-3194-41d7-a796-80fe2df31550", audio.msidStream());
        assertEquals("9941d073-84ff-4673-984a-3d3b1ba2baa9", audio.msidTrack());
        assertEquals(new RtpCodec("opus", 48000, 2, 111), audio.codec());
        assertEquals(Map.of(AUDIO_LEVEL, 1, MID, 4, TWCC, 3), audio.extensionIds());
        assertEquals(-1, audio.rtxPayloadType());

        AcceptedStream video = answer.streams().get(1);
        assertEquals("1", video.mid());
        assertEquals(1405057316L, video.ssrc(), "the FID group's primary, not the RTX SSRC");
        assertEquals("9fcb61f8-01e6-4109-972c-839bdbc6cfd6", video.msidTrack());
        assertEquals(new RtpCodec("VP8", 90000, 1, 96), video.codec());
        assertEquals(Map.of(MID, 4, CVO, 13, TWCC, 3), video.extensionIds());
        assertEquals(video.ssrc(), video.toStreamDescription().ssrc());
        assertEquals(97, video.rtxPayloadType());
        assertEquals(97, video.toStreamDescription().rtxPayloadType());
        assertTrue(video.rtxSsrc() != 0 && video.rtxSsrc() != video.ssrc(), "the FID group's second SSRC");

        assertEquals(new RemoteTransport("rZrQ", "wKYb/Q1Tg9Sd9rw+xI33+IcB", "sha-256",
                "4C:38:08:F1:3D:BE:7F:F3:03:77:9A:D0:4D:50:D9:D5:65:51:3B:5A:7C:C5:D8:14:B3:0E:CB:41:CB:E3:75:F4"),
                answer.remote());

        String sdp = answer.sdp();
        // RED listed first: Chromium then sends Opus with the previous frame repeated (RFC 2198).
        assertTrue(sdp.contains("\r\nm=audio 10000 UDP/TLS/RTP/SAVPF 63 111\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n"), sdp);
        assertEquals(63, audio.redPayloadType());
        assertEquals(63, audio.toStreamDescription().redPayloadType());
        assertEquals(-1, video.redPayloadType());
        assertTrue(sdp.contains("\r\nm=video 10000 UDP/TLS/RTP/SAVPF 96 97\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=extmap:1 " + AUDIO_LEVEL + "\r\na=extmap:3 " + TWCC + "\r\na=extmap:4 " + MID + "\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=extmap:13 " + CVO + "\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
                + "a=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 transport-cc\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=rtcp-fb:111 transport-cc\r\n"), sdp);
        assertEquals(2, count(sdp, "a=extmap:3 " + TWCC + "\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=extmap-allow-mixed\r\n"), sdp);
        assertEquals(2, count(sdp, "a=rtcp-rsize"));
    }

    @Test
    void answersFirefoxOfferWithItsOwnPayloadTypesAndExtensionIds() throws SdpException {
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.firefoxOffer(), SdpFixtures.LOCAL);

        AcceptedStream audio = answer.streams().get(0);
        assertEquals(new RtpCodec("opus", 48000, 2, 109), audio.codec());
        assertEquals(Map.of(AUDIO_LEVEL, 1, MID, 3, TWCC, 7), audio.extensionIds());
        assertEquals(1491694143L, audio.ssrc());
        assertEquals("{8196c0c9-29ae-4d4f-a084-87bb8e6681bb}", audio.msidStream());
        assertEquals("{4ab6f1d9-3cff-4eb0-9082-b41977de0fb8}", audio.msidTrack());

        AcceptedStream video = answer.streams().get(1);
        assertEquals(new RtpCodec("VP8", 90000, 1, 120), video.codec());
        assertEquals(Map.of(MID, 3, TWCC, 7), video.extensionIds());
        assertEquals(1473430939L, video.ssrc());
        assertEquals(124, video.rtxPayloadType(), "Firefox's rtx for VP8 120");
        assertEquals(267509098L, video.rtxSsrc(), "from a=ssrc-group:FID 1473430939 267509098");

        // Firefox writes the fingerprint at session level only; the transport still gets it.
        assertEquals("sha-256", answer.remote().fingerprintHash());
        assertTrue(answer.remote().fingerprint().startsWith("6F:EB:5D:DA"));
        assertEquals("503b51d4", answer.remote().ufrag());
        assertEquals("c8b7877e4969112f2c148671fc586596", answer.remote().password());

        String sdp = answer.sdp();
        assertTrue(sdp.contains("\r\nm=audio 10000 UDP/TLS/RTP/SAVPF 109\r\n"), sdp);
        assertTrue(sdp.contains("\r\nm=video 10000 UDP/TLS/RTP/SAVPF 120 124\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=rtpmap:124 rtx/90000\r\na=fmtp:124 apt=120\r\n"), sdp);
        // Firefox put extmap-allow-mixed in each section, so the answer does too, and not at session level.
        assertEquals(2, count(sdp, "a=extmap-allow-mixed"));
        assertTrue(sdp.indexOf("a=extmap-allow-mixed") > sdp.indexOf("m=audio"), sdp);
        // Firefox offered rtcp-rsize for video only.
        assertEquals(1, count(sdp, "a=rtcp-rsize"));
        assertFalse(sdp.contains("csrc-audio-level"), sdp);
    }

    @Test
    void acceptsFirefoxMaxBundleVideoSectionThatIsBundleOnlyWithPortZero() throws SdpException {
        // RFC 8843 §6: port 0 with a=bundle-only and a mid in the BUNDLE group shares the BUNDLE transport.
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.resource("/sdp/firefox-153-offer-max-bundle.sdp"),
                SdpFixtures.LOCAL);
        assertEquals(2, answer.streams().size(), answer.sdp());
        AcceptedStream video = answer.streams().get(1);
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(new RtpCodec("VP8", 90000, 1, 120), video.codec());
        assertEquals(3370617457L, video.ssrc());
        String sdp = answer.sdp();
        assertTrue(sdp.contains("\r\nm=video 10000 UDP/TLS/RTP/SAVPF 120 124\r\n"), sdp);
        assertFalse(sdp.substring(sdp.indexOf("m=video")).contains("a=inactive"), sdp);
        assertTrue(sdp.contains("a=group:BUNDLE 0 1"), sdp);
    }

    @Test
    void answerIsIceLitePassiveBundledRtcpMuxedWithCandidates() throws SdpException {
        String sdp = PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL).sdp();
        assertTrue(sdp.startsWith("v=0\r\no=- "), sdp);
        assertTrue(sdp.contains("\r\ns=-\r\nt=0 0\r\na=ice-lite\r\na=group:BUNDLE 0 1\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=msid-semantic: WMS\r\n"), sdp);
        assertTrue(sdp.endsWith("\r\n"));
        assertFalse(sdp.replace("\r\n", "").contains("\n"), "CRLF everywhere");
        for (String line : List.of("a=setup:passive", "a=rtcp-mux", "a=recvonly", "a=ice-ufrag:srvU",
                "a=ice-pwd:serverpassword0123456789", "a=fingerprint:sha-256 " + SdpFixtures.SERVER_FINGERPRINT,
                "c=IN IP4 127.0.0.1", "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host",
                "a=candidate:2 1 udp 2130706175 ::1 10000 typ host", "a=end-of-candidates")) {
            assertEquals(2, count(sdp, line + "\r\n"), line + " in each section:\n" + sdp);
        }
    }

    @Test
    void answerCarriesOnlyTheChosenCodecsRtxAudioRedAndTransportCcNoVideoRedFecOrRemb() throws SdpException {
        String sdp = PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL).sdp();
        assertEquals(1, count(sdp, "rtx/90000"), "only VP8's RTX:\n" + sdp);
        assertEquals(1, count(sdp, "red/"), "only Opus's RED:\n" + sdp);
        for (String absent : List.of("red/90000", "ulpfec", "goog-remb", "abs-send-time",
                "H264", "VP9", "AV1", "G722", "telephone-event", "a=ssrc", "a=msid:", "actpass")) {
            assertFalse(sdp.contains(absent), absent + " in\n" + sdp);
        }
    }

    @Test
    void answerParsesWithOurOwnParserAndKeepsMidsInOrder() throws SdpException {
        SessionDescription parsed = SessionDescription.parse(PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL).sdp());
        assertTrue(parsed.iceLite());
        assertEquals(List.of("0", "1"), parsed.bundleMids());
        assertEquals(List.of("63", "111"), parsed.media().get(0).formats());
        assertEquals("recvonly", parsed.media().get(1).direction());
        assertEquals("passive", parsed.media().get(1).setup());
    }

    @Test
    void rejectsDataChannelSectionWithPortZeroOutsideBundle() throws SdpException {
        String offer = SdpFixtures.chromiumOffer().replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:rZrQ\r\na=ice-pwd:wKYb/Q1Tg9Sd9rw+xI33+IcB\r\na=setup:actpass\r\na=mid:2\r\n"
                + "a=sctp-port:5000\r\na=max-message-size:262144\r\n";
        PublishAnswer answer = PublishAnswerer.answer(offer, SdpFixtures.LOCAL);
        String sdp = answer.sdp();
        assertTrue(sdp.endsWith("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=inactive\r\n"), sdp);
        assertTrue(sdp.contains("a=group:BUNDLE 0 1\r\n"), sdp);
        assertEquals(2, answer.streams().size());
        assertEquals(0, SessionDescription.parse(sdp).media().get(2).port());
    }

    @Test
    void rejectsSectionsTheOfferDisabledOrWithoutUsableCodec() throws SdpException {
        String offer = SdpFixtures.minimalAudioOffer("")
                .replace("a=group:BUNDLE a", "a=group:BUNDLE a v")
                + "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:v\r\na=rtcp-mux\r\na=rtpmap:98 VP9/90000\r\n"
                + "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:off\r\na=rtpmap:111 opus/48000/2\r\n";
        PublishAnswer answer = PublishAnswerer.answer(offer, SdpFixtures.LOCAL);
        assertTrue(answer.sdp().contains("\r\nm=video 0 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\na=mid:v\r\na=inactive\r\n"), answer.sdp());
        assertTrue(answer.sdp().contains("\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:off\r\na=inactive\r\n"), answer.sdp());
        assertTrue(answer.sdp().contains("a=group:BUNDLE a\r\n"), answer.sdp());
        assertEquals(1, answer.streams().size());
    }

    @Test
    void choosesH264PacketizationMode1ConstrainedBaselineWhenNoVp8() throws SdpException {
        String offer = SdpFixtures.chromiumOffer()
                .replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 ", "m=video 9 UDP/TLS/RTP/SAVPF ");
        PublishAnswer answer = PublishAnswerer.answer(offer, SdpFixtures.LOCAL);
        AcceptedStream video = answer.streams().get(1);
        assertEquals(new RtpCodec("H264", 90000, 1, 108), video.codec());
        assertTrue(answer.sdp().contains("\r\nm=video 10000 UDP/TLS/RTP/SAVPF 108 109\r\n"), answer.sdp());
        assertTrue(answer.sdp().contains("\r\na=fmtp:109 apt=108\r\n"), answer.sdp());
        assertTrue(answer.sdp().contains("\r\na=rtpmap:108 H264/90000\r\n"
                + "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"), answer.sdp());
    }

    @Test
    void keepsOfferedH264FmtpEvenWithOddWhitespace() throws SdpException {
        String offer = SdpFixtures.minimalAudioOffer("").replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 104")
                .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:104 H264/90000\r\na=fmtp:104 packetization-mode=1;\tprofile-level-id=4d001f");
        PublishAnswer answer = PublishAnswerer.answer(offer, SdpFixtures.LOCAL);
        assertEquals(new RtpCodec("H264", 90000, 1, 104), answer.streams().get(0).codec());
        assertTrue(answer.sdp().contains("a=fmtp:104 packetization-mode=1;\tprofile-level-id=4d001f\r\n"), answer.sdp());
    }

    @Test
    void refusesH264WithoutPacketizationMode1() {
        String offer = SdpFixtures.minimalAudioOffer("").replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 104")
                .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:104 H264/90000\r\na=fmtp:104 packetization-mode=0;profile-level-id=42e01f");
        assertEquals("sdp_no_codec", assertThrows(SdpException.class, () -> PublishAnswerer.answer(offer, SdpFixtures.LOCAL)).code());
    }

    @Test
    void answersInactiveWithoutStreamToSectionThatDoesNotSend() throws SdpException {
        String offer = SdpFixtures.chromiumOffer().replaceFirst("a=sendrecv", "a=recvonly");
        PublishAnswer answer = PublishAnswerer.answer(offer, SdpFixtures.LOCAL);
        assertEquals(List.of("1"), answer.streams().stream().map(AcceptedStream::mid).toList());
        MediaDescription audio = SessionDescription.parse(answer.sdp()).media().get(0);
        assertEquals("inactive", audio.direction());
        assertEquals(10000, audio.port());
        assertTrue(answer.sdp().contains("a=group:BUNDLE 0 1\r\n"));
    }

    @Test
    void keepsExtensionsTheOfferSendsOnlyAndDropsThoseItOnlyReceives() throws SdpException {
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.minimalAudioOffer(
                "a=extmap:1/sendonly " + AUDIO_LEVEL + "\r\na=extmap:2/recvonly " + MID + "\r\n"), SdpFixtures.LOCAL);
        assertTrue(answer.sdp().contains("a=extmap:1/recvonly " + AUDIO_LEVEL + "\r\n"), answer.sdp());
        assertEquals(Map.of(AUDIO_LEVEL, 1), answer.streams().get(0).extensionIds());
    }

    @Test
    void reportsNoSsrcAsZeroAndFallsBackToMidForTrack() throws SdpException {
        AcceptedStream s = PublishAnswerer.answer(SdpFixtures.minimalAudioOffer(""), SdpFixtures.LOCAL).streams().get(0);
        assertEquals(0, s.ssrc());
        assertEquals("-", s.msidStream());
        assertEquals("a", s.msidTrack());
    }

    @Test
    void answersWithoutCandidatesOnDiscardPort() throws SdpException {
        String sdp = PublishAnswerer.answer(SdpFixtures.minimalAudioOffer(""),
                new LocalTransport("srvU", "serverpassword0123456789", SdpFixtures.SERVER_FINGERPRINT, List.of())).sdp();
        assertTrue(sdp.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"), sdp);
    }

    @Test
    void refusesOfferWithoutBundle() {
        assertCode("sdp_no_bundle", SdpFixtures.chromiumOffer().replace("a=group:BUNDLE 0 1\r\n", ""));
        assertCode("sdp_no_bundle", SdpFixtures.chromiumOffer().replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0"));
    }

    @Test
    void refusesOfferWithoutRtcpMux() {
        assertCode("sdp_no_rtcp_mux", SdpFixtures.chromiumOffer().replace("a=rtcp-mux\r\n", ""));
    }

    @Test
    void refusesOfferWithoutFingerprint() {
        assertCode("sdp_no_dtls", SdpFixtures.chromiumOffer().replaceAll("a=fingerprint:[^\r]*\r\n", ""));
        assertCode("sdp_no_dtls", SdpFixtures.firefoxOffer().replace("a=fingerprint:sha-256", "a=fingerprint:sha-1"));
    }

    @Test
    void refusesOfferWithoutDtlsProfile() {
        assertCode("sdp_no_dtls", SdpFixtures.chromiumOffer().replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"));
    }

    @Test
    void refusesOfferWithoutIceCredentials() {
        assertCode("sdp_invalid", SdpFixtures.chromiumOffer().replaceAll("a=ice-pwd:[^\r]*\r\n", ""));
    }

    @Test
    void refusesOfferThatWantsTheServerToBeDtlsClient() {
        assertCode("sdp_mismatch", SdpFixtures.chromiumOffer().replace("a=setup:actpass", "a=setup:passive"));
    }

    @Test
    void refusesOfferWithNothingToAccept() {
        assertCode("sdp_no_codec", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n");
        assertCode("sdp_no_codec", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");
    }

    @Test
    void givesEachAnswerItsOwnSessionId() throws SdpException {
        String a = PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL).sdp();
        String b = PublishAnswerer.answer(SdpFixtures.chromiumOffer(), SdpFixtures.LOCAL).sdp();
        assertFalse(a.split("\r\n")[1].equals(b.split("\r\n")[1]));
    }

    private static void assertCode(String code, String offer) {
        SdpException e = assertThrows(SdpException.class, () -> PublishAnswerer.answer(offer, SdpFixtures.LOCAL));
        assertEquals(code, e.code(), e.getMessage());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void answersOpusAloneWhereRedIsNotOfferedOrCarriesAnotherCodec() throws SdpException {
        String firefox = PublishAnswerer.answer(SdpFixtures.resource("/sdp/firefox-153-offer-max-bundle.sdp"), SdpFixtures.LOCAL).sdp();
        assertTrue(firefox.contains("\r\nm=audio 10000 UDP/TLS/RTP/SAVPF 109\r\n"), firefox);
        assertFalse(firefox.contains("red/48000"), firefox);

        String mixedRed = SdpFixtures.chromiumOffer().replace("a=fmtp:63 111/111", "a=fmtp:63 111/0");
        PublishAnswer answer = PublishAnswerer.answer(mixedRed, SdpFixtures.LOCAL);
        assertEquals(-1, answer.streams().get(0).redPayloadType(), "the router passes RED of one codec only");
        assertTrue(answer.sdp().contains("\r\nm=audio 10000 UDP/TLS/RTP/SAVPF 111\r\n"), answer.sdp());
    }
}
