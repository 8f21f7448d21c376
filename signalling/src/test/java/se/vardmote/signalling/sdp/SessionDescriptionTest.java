package se.vardmote.signalling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;
import se.vardmote.signalling.sdp.MediaDescription.Msid;
import se.vardmote.signalling.sdp.MediaDescription.RtpMap;

class SessionDescriptionTest {

    @Test
    void parsesChromiumOffer() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(SdpFixtures.chromiumOffer());
        assertEquals(List.of("0", "1"), sdp.bundleMids());
        assertTrue(sdp.extmapAllowMixed());
        assertEquals(2, sdp.media().size());

        MediaDescription audio = sdp.media().get(0);
        assertEquals("audio", audio.kind());
        assertEquals(9, audio.port());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.proto());
        assertEquals(List.of("111", "63", "9", "0", "8", "13", "110", "126"), audio.formats());
        assertEquals("0", audio.mid());
        assertEquals("sendrecv", audio.direction());
        assertEquals("rZrQ", audio.iceUfrag());
        assertEquals("wKYb/Q1Tg9Sd9rw+xI33+IcB", audio.icePwd());
        assertEquals("actpass", audio.setup());
        assertTrue(audio.rtcpMux());
        assertTrue(audio.rtcpRsize());
        assertEquals(new RtpMap(111, "opus", 48000, 2), audio.rtpMaps().get(111));
        assertEquals("minptime=10;useinbandfec=1", audio.fmtps().get(111));
        assertEquals(List.of("transport-cc"), audio.rtcpFeedbackFor(111));
        assertEquals(new Extmap(1, null, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), audio.extmaps().get(0));
        assertEquals(new Msid("8c8178be-3194-41d7-a796-80fe2df31550", "9941d073-84ff-4673-984a-3d3b1ba2baa9"), audio.msid());
        assertEquals("7kLWfAoD8b8bkVoc", audio.ssrcAttribute(332767176L, "cname"));
        assertEquals(new Fingerprint("sha-256",
                "4C:38:08:F1:3D:BE:7F:F3:03:77:9A:D0:4D:50:D9:D5:65:51:3B:5A:7C:C5:D8:14:B3:0E:CB:41:CB:E3:75:F4"),
                audio.fingerprint("sha-256"));

        MediaDescription video = sdp.media().get(1);
        assertEquals(23, video.formats().size());
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), video.rtcpFeedbackFor(96));
        assertEquals("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.fmtps().get(108));
        assertEquals("FID", video.ssrcGroups().get(0).semantics());
        assertEquals(List.of(1405057316L, 2905407538L), video.ssrcGroups().get(0).ssrcs());
    }

    @Test
    void resolvesSessionLevelFingerprintIntoFirefoxSections() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(SdpFixtures.firefoxOffer());
        assertFalse(sdp.extmapAllowMixed(), "Firefox writes extmap-allow-mixed per section");
        for (MediaDescription m : sdp.media()) {
            Fingerprint f = m.fingerprint("sha-256");
            assertTrue(f.value().startsWith("6F:EB:5D"), m.mid());
            assertEquals("503b51d4", m.iceUfrag());
            assertTrue(m.extmapAllowMixed());
        }
        MediaDescription audio = sdp.media().get(0);
        assertEquals(new Extmap(2, "recvonly", "urn:ietf:params:rtp-hdrext:csrc-audio-level"), audio.extmaps().get(1));
        assertEquals(new Msid("{8196c0c9-29ae-4d4f-a084-87bb8e6681bb}", "{4ab6f1d9-3cff-4eb0-9082-b41977de0fb8}"), audio.msid());
        assertEquals(new RtpMap(9, "G722", 8000, 1), audio.rtpMaps().get(9));
    }

    @Test
    void acceptsBareLineFeeds() throws SdpException {
        String lf = SdpFixtures.chromiumOffer().replace("\r\n", "\n");
        assertEquals(SessionDescription.parse(SdpFixtures.chromiumOffer()), SessionDescription.parse(lf));
    }

    @Test
    void skipsUnknownAttributesAndLineTypes() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(SdpFixtures.minimalAudioOffer(
                "a=x-something-new:1 2 3\r\na=flag-without-value\r\nb=AS:30\r\ny=whatever\r\n"));
        assertEquals("a", sdp.media().get(0).mid());
    }

    @Test
    void readsWildcardRtcpFeedback() throws SdpException {
        MediaDescription m = SessionDescription.parse(SdpFixtures.minimalAudioOffer("a=rtcp-fb:* nack\r\n")).media().get(0);
        assertEquals(List.of("nack"), m.rtcpFeedbackFor(111));
    }

    @Test
    void refusesSdpOver64KiB() {
        String big = SdpFixtures.minimalAudioOffer("a=x:" + "y".repeat(4000) + "\r\n").repeat(1)
                + ("a=x:" + "y".repeat(4000) + "\r\n").repeat(17);
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(big));
        assertEquals("sdp_too_large", e.code());
    }

    @Test
    void refusesLineOver4KiB() {
        SdpException e = assertThrows(SdpException.class,
                () -> SessionDescription.parse(SdpFixtures.minimalAudioOffer("a=x:" + "y".repeat(4100) + "\r\n")));
        assertEquals("sdp_too_large", e.code());
    }

    @Test
    void refusesMoreThan64MediaSections() {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");
        for (int i = 0; i < 65; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:").append(i).append("\r\n");
        }
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp.toString()));
        assertEquals("sdp_too_large", e.code());
    }

    @Test
    void accepts64MediaSections() throws SdpException {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");
        for (int i = 0; i < 64; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:").append(i).append("\r\n");
        }
        assertEquals(64, SessionDescription.parse(sdp.toString()).media().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "hello",
            "v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\n",
            "v=0\r\n",
            "v=0\r\no=- 1 IN IP4 0.0.0.0\r\n",
            "v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n",
            "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio x UDP/TLS/RTP/SAVPF 111\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nM=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:200 opus/48000/2\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/0/2\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:256 urn:x\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:1/sideways urn:x\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:4294967296 cname:x\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc-group:FID 1 x\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 GG:00\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:sometimes\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:has space\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\u0000b\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=msid:a b c\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=group:BUNDLE a\u00e9\r\n",
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n",
    })
    void refusesMalformedSdpAsInvalid(String text) {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(text));
        assertEquals("sdp_invalid", e.code(), e.getMessage());
    }

    @Test
    void refusesNull() {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(null));
        assertEquals("sdp_invalid", e.code());
    }

    @Test
    void ignoresRtpAttributesOfNonRtpSections() throws SdpException {
        MediaDescription m = SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\na=sctp-port:5000\r\n"
                + "a=fmtp:webrtc-datachannel whatever\r\n").media().get(0);
        assertFalse(m.isRtp());
        assertEquals(List.of("webrtc-datachannel"), m.formats());
        assertNull(m.rtpMaps().get(0));
    }
}
