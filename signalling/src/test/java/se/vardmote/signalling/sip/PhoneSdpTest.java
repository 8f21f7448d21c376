package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhoneSdpTest {

    static final String G711 = """
            v=0\r
            o=gw 1 1 IN IP4 203.0.113.7\r
            s=-\r
            c=IN IP4 203.0.113.7\r
            t=0 0\r
            m=audio 30000 RTP/AVP 0 8 101\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-15\r
            a=ptime:20\r
            """;

    static final String OPUS = """
            v=0
            o=fs 1 2 IN IP4 10.0.0.9
            s=FreeSWITCH
            c=IN IP4 10.0.0.1
            t=0 0
            m=audio 16384 RTP/AVP 111 8 96 101
            c=IN IP4 10.0.0.9
            a=rtpmap:111 opus/48000/2
            a=rtpmap:8 PCMA/8000
            a=rtpmap:96 telephone-event/48000
            a=rtpmap:101 telephone-event/8000
            a=sendonly
            """;

    @Test
    void readsStaticPayloadTypesWithoutRtpmap() {
        PhoneSdpOffer offer = PhoneSdpOffer.parse(G711);
        assertEquals("203.0.113.7", offer.address());
        assertEquals(30000, offer.port());
        assertEquals("PCMU", offer.formats().get(0).encoding());
        assertEquals("PCMA", offer.formats().get(1).encoding());
        assertEquals("sendrecv", offer.direction());
    }

    @Test
    void answersWithTheGatewaysFirstG711AndTelephoneEvent() {
        PhoneSdpAnswer answer = PhoneSdpAnswer.choose(PhoneSdpOffer.parse(G711), false);
        assertEquals(new PhoneSdpAnswer("PCMU", 0, 8000, 101), answer);
        String sdp = answer.write("127.0.0.1", 40000, 7, 1, "sendrecv");
        assertTrue(sdp.contains("m=audio 40000 RTP/AVP 0 101\r\n"), sdp);
        assertTrue(sdp.contains("c=IN IP4 127.0.0.1\r\n"));
        assertTrue(sdp.contains("a=rtpmap:0 PCMU/8000\r\n"));
        assertTrue(sdp.contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
        assertTrue(sdp.contains("a=ptime:20\r\n"));
        assertTrue(sdp.contains("a=sendrecv\r\n"));
    }

    @Test
    void mediaLevelAddressAndDirectionWin() {
        PhoneSdpOffer offer = PhoneSdpOffer.parse(OPUS);
        assertEquals("10.0.0.9", offer.address());
        assertEquals("sendonly", offer.direction());
        assertEquals("recvonly", PhoneSdpAnswer.answerDirection(offer.direction()));
    }

    @Test
    void opusOnlyWhenPreferredAndWithTheTelephoneEventOfItsClock() {
        PhoneSdpOffer offer = PhoneSdpOffer.parse(OPUS);
        assertEquals(new PhoneSdpAnswer("PCMA", 8, 8000, 101), PhoneSdpAnswer.choose(offer, false));
        PhoneSdpAnswer opus = PhoneSdpAnswer.choose(offer, true);
        assertEquals(new PhoneSdpAnswer("opus", 111, 48000, 96), opus);
        assertTrue(opus.write("::1", 4000, 1, 2, "recvonly").contains("a=rtpmap:111 opus/48000/2\r\n"));
        assertTrue(opus.write("::1", 4000, 1, 2, "recvonly").contains("c=IN IP6 ::1\r\n"));
    }

    @Test
    void nothingWeSpeakGivesNoAnswer() {
        String g729 = "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
        assertNull(PhoneSdpAnswer.choose(PhoneSdpOffer.parse(g729), true));
    }

    @Test
    void refusesWhatIsNotAPlainRtpAudioOffer() {
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse(""));
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse("v=0\r\nm=video 4000 RTP/AVP 31\r\n"));
        assertThrows(IllegalArgumentException.class,
                () -> PhoneSdpOffer.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 UDP/TLS/RTP/SAVPF 111\r\n"));
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));
        assertThrows(IllegalArgumentException.class,
                () -> PhoneSdpOffer.parse("v=0\r\nc=IN IP4 gw.example.se\r\nm=audio 4000 RTP/AVP 0\r\n"));
        assertThrows(IllegalArgumentException.class,
                () -> PhoneSdpOffer.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n"));
    }

    @Test
    void limitsSizeLinesAndFormats() {
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse("v=0\r\n" + "a=x\r\n".repeat(2000)));
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse("v=0\r\n" + "a=x\r\n".repeat(200)));
        StringBuilder m = new StringBuilder("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP");
        for (int i = 0; i < 40; i++) m.append(' ').append(i);
        assertThrows(IllegalArgumentException.class, () -> PhoneSdpOffer.parse(m + "\r\n"));
    }
}
