package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSdpTest {

    static final String OFFER = String.join("\r\n",
            "v=0", "o=- 1 2 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=ice-lite", "a=group:BUNDLE 0 1",
            "a=msid-semantic: WMS",
            "m=audio 10000 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 127.0.0.1", "a=ice-ufrag:srvufrag",
            "a=ice-pwd:serverpasswordserverpass", "a=fingerprint:sha-256 AB:CD:EF", "a=setup:actpass", "a=mid:0",
            "a=sendonly", "a=msid:p1 a1", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=ssrc:1234 cname:p1",
            "a=ssrc:1234 msid:p1 a1", "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host",
            "a=end-of-candidates",
            "m=video 10000 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 127.0.0.1", "a=ice-ufrag:srvufrag",
            "a=ice-pwd:serverpasswordserverpass", "a=fingerprint:sha-256 AB:CD:EF", "a=setup:actpass", "a=mid:1",
            "a=inactive", "a=rtcp-mux", "a=rtpmap:96 VP8/90000",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host", "");

    @Test
    void readsCredentialsCandidatesAndSections() {
        ServerSdp sdp = ServerSdp.parse(OFFER);
        assertEquals("srvufrag", sdp.iceUfrag());
        assertEquals("serverpasswordserverpass", sdp.icePwd());
        assertEquals("AB:CD:EF", sdp.fingerprint());
        assertEquals(List.of(new ServerSdp.Candidate("127.0.0.1", 10000, "udp")), sdp.candidates());
        assertEquals(2, sdp.sections().size());
        ServerSdp.Section audio = sdp.sections().get(0);
        assertTrue(audio.active());
        assertEquals(List.of(111), audio.payloadTypes());
        assertEquals(List.of(1234L), audio.ssrcs());
        assertEquals("p1", audio.msidStream());
        assertEquals("inactive", sdp.sections().get(1).direction());
    }

    @Test
    void answerKeepsMidsInOrderAndTakesTheActiveRole() {
        ClientSdp.Identity id = new ClientSdp.Identity("cufr", "clientpasswordclientpass", "12:34");
        String answer = ClientSdp.subscribeAnswer(7, id, ServerSdp.parse(OFFER));
        ServerSdp parsed = ServerSdp.parse(answer);
        assertEquals("active", parsed.setup());
        assertEquals("0", parsed.sections().get(0).mid());
        assertEquals("recvonly", parsed.sections().get(0).direction());
        assertEquals("inactive", parsed.sections().get(1).direction());
        assertTrue(answer.contains("a=group:BUNDLE 0 1\r\n"), answer);
    }

    @Test
    void publishOfferCarriesBundleSsrcsAndFingerprint() {
        ClientSdp.Identity id = new ClientSdp.Identity("cufr", "clientpasswordclientpass", "12:34");
        ServerSdp offer = ServerSdp.parse(ClientSdp.publishOffer(1, id, "s1", 11, 22));
        assertEquals("actpass", offer.setup());
        assertEquals("12:34", offer.fingerprint());
        assertEquals(List.of(11L), offer.sections().get(0).ssrcs());
        assertEquals(List.of(96), offer.sections().get(1).payloadTypes());
        assertEquals("sendonly", offer.sections().get(1).direction());
    }

    @Test
    void refusesOversizedInput() {
        assertThrows(IllegalArgumentException.class, () -> ServerSdp.parse("a".repeat(ServerSdp.MAX_LENGTH + 1)));
        assertNotNull(ServerSdp.parse(""));
    }

    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryTextWithoutSurprises(byte[] data) {
        try {
            ServerSdp sdp = ServerSdp.parse(new String(data, StandardCharsets.UTF_8));
            assertTrue(sdp.sections().size() <= ServerSdp.MAX_SECTIONS);
        } catch (IllegalArgumentException expected) {
            // the only failure the reader may report
        }
    }
}
