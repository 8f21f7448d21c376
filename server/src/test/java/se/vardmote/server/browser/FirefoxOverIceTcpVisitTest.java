package se.vardmote.server.browser;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A patient in Firefox ESR on a network without UDP, a clinician in Chromium: both reach the server over
 * ICE-TCP and decode each other. Runs in a private network namespace (tag "impaired", see {@link Impairment}).
 */
@Tag("impaired")
class FirefoxOverIceTcpVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(60);

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
        FirefoxPeer.requireFirefox();
    }

    @Test
    void withUdpBlockedAFirefoxPatientAndAChromiumClinicianDecodeEachOtherOverTcp() throws Exception {
        try (Impairment noUdp = Impairment.blockUdp()) {
            List<String> links = book("two-party", "clinician", "patient");
            long start = System.nanoTime();
            try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES);
                 FirefoxPeer patient = FirefoxPeer.join("patient", links.get(1), Duration.ofSeconds(90))) {
                clinician.awaitReceived("the Firefox patient's video and audio over TCP", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 30) == 1 && Visitor.flowing(s, "audios", "packets", 100) == 1);
                patient.awaitReceived("the Chromium clinician's video and audio over TCP", MEDIA_TIMEOUT,
                        s -> s.get("videos").asInt() == 1 && s.get("frames").asInt() >= 30
                                && s.get("audios").asInt() == 1 && s.get("audioPackets").asInt() >= 100);
                System.out.printf("[impaired] UDP blocked, Firefox patient: both decoding over ICE-TCP %d ms after the pages opened%n",
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }
}
