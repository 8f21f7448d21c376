package se.vardmote.signalling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulcast publish offers (RFC 8853, rids per RFC 8851) as Chromium 156 and Firefox ESR 153 make them. */
class SimulcastAnswerTest {

    private static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    private static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    @Test
    void acceptsChromiumsThreeLayersAndBindsThemByRid() throws SdpException {
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.resource("/sdp/chromium-156-offer-simulcast.sdp"),
                SdpFixtures.LOCAL);
        AcceptedStream video = answer.streams().get(1);
        assertEquals(List.of("q", "h", "f"), video.rids());
        assertEquals(0, video.ssrc(), "each layer's SSRC comes from its rid");
        assertEquals(0, video.rtxSsrc());
        assertEquals(10, video.extensionIds().get(RID));
        assertEquals(11, video.extensionIds().get(REPAIRED_RID));
        assertTrue(video.toStreamDescription().isSimulcast());
        String sdp = answer.sdp();
        assertTrue(sdp.contains("\r\na=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\na=simulcast:recv q;h;f\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=extmap:10 " + RID + "\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=extmap:11 " + REPAIRED_RID + "\r\n"), sdp);
        assertFalse(answer.streams().get(0).toStreamDescription().isSimulcast(), "audio is one stream");
    }

    @Test
    void acceptsFirefoxsBundleOnlyLayersWithoutTakingItsFidSsrcsForOneLayer() throws SdpException {
        PublishAnswer answer = PublishAnswerer.answer(SdpFixtures.resource("/sdp/firefox-153-offer-simulcast.sdp"),
                SdpFixtures.LOCAL);
        AcceptedStream video = answer.streams().get(1);
        assertEquals(List.of("q", "h", "f"), video.rids());
        assertEquals(0, video.ssrc());
        assertEquals(9, video.extensionIds().get(RID));
        assertTrue(answer.sdp().contains("\r\na=extmap:9/recvonly " + RID + "\r\n"), answer.sdp());
        assertTrue(answer.sdp().contains("\r\na=simulcast:recv q;h;f\r\n"), answer.sdp());
    }

    @Test
    void takesOneLayerWhenTheRidExtensionIsNotOffered() throws SdpException {
        String offer = SdpFixtures.resource("/sdp/chromium-156-offer-simulcast.sdp")
                .replace("a=extmap:10 " + RID + "\r\n", "");
        AcceptedStream video = PublishAnswerer.answer(offer, SdpFixtures.LOCAL).streams().get(1);
        assertEquals(List.of(), video.rids());
        assertFalse(PublishAnswerer.answer(offer, SdpFixtures.LOCAL).sdp().contains("a=simulcast"));
    }

    @Test
    void leavesOutPausedLayersAndAlternativesAndCapsTheLayers() throws SdpException {
        String offer = SdpFixtures.resource("/sdp/chromium-156-offer-simulcast.sdp")
                .replace("a=simulcast:send q;h;f", "a=simulcast:send ~q;h,f;f;x;y")
                .replace("a=rid:f send\r\n", "a=rid:f send\r\na=rid:x send\r\na=rid:y send max-width=1280\r\n");
        AcceptedStream video = PublishAnswerer.answer(offer, SdpFixtures.LOCAL).streams().get(1);
        assertEquals(List.of("h", "f", "x"), video.rids());
    }

    @Test
    void refusesMalformedRidAndSimulcastLines() {
        String offer = SdpFixtures.resource("/sdp/chromium-156-offer-simulcast.sdp");
        for (String bad : List.of("a=rid:q sideways", "a=rid:toolongtobeonebyteext send", "a=rid:q/1 send",
                "a=simulcast:send", "a=simulcast:sideways q", "a=simulcast:send q send h")) {
            String o = offer.replace("a=rid:q send", bad).replace("a=simulcast:send q;h;f",
                    bad.startsWith("a=simulcast") ? bad : "a=simulcast:send q;h;f");
            SdpException e = assertThrows(SdpException.class, () -> PublishAnswerer.answer(o, SdpFixtures.LOCAL), bad);
            assertEquals("sdp_invalid", e.code(), bad);
        }
    }
}
