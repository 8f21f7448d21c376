package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A visit on a network that lets no UDP through (hospital guest Wi-Fi, some corporate networks) and has no
 * TURN server: both browsers reach the server's passive ICE-TCP candidate and the visit runs over TCP, with
 * the same ICE, DTLS and SRTP as over UDP. Runs in a private network namespace whose UDP is dropped
 * (tag "impaired", see {@link Impairment}).
 */
@Tag("impaired")
class IceTcpVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
    }

    @Test
    void withUdpBlockedBothSidesDecodeVideoAndAudioOverIceTcp() throws Exception {
        try (Impairment noUdp = Impairment.blockUdp()) {
            List<String> links = book("two-party", "clinician", "patient");
            long start = System.nanoTime();
            try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES);
                 Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES)) {
                Visitor.awaitEachOthersMedia(List.of(clinician, patient), "over TCP", MEDIA_TIMEOUT);
                System.out.printf("[impaired] UDP blocked: both sides decoding over ICE-TCP %d ms after the pages opened%n",
                        (System.nanoTime() - start) / 1_000_000);
                for (Visitor v : List.of(clinician, patient)) {
                    // An active TCP candidate advertises port 9; the port it connects from is learnt from the
                    // server's answer, so Chromium lists the local side as peer-reflexive.
                    Map<String, Object> selected = v.selectedLocalCandidates();
                    assertEquals(2, selected.size(), selected.toString());
                    for (Object c : selected.values()) {
                        assertTrue(String.valueOf(c).endsWith("/tcp"), v.name + "'s connections both run over TCP: " + selected);
                    }
                }
                assertTrue(noUdp.dropped() > 0, "the browsers did try UDP first");
                Map<String, Long> counters = server.media().counters();
                assertTrue(counters.get("tcp.connections.accepted") >= 4, counters.toString());
                assertEquals(0L, counters.get("srtp.unprotect.failed"));
            }
        }
    }
}
