package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Redundant audio (RED, RFC 2198) end to end in Chromium: the publish answer lists RED first, so each browser sends
 * its Opus frames with the previous one repeated; the subscribe offer lists it too, so each browser receives RED as
 * it was sent, and decodes audio with energy. (Chromium's getStats names Opus as the codec either way, so the
 * server's counters tell what travelled.)
 */
@Tag("browser")
class RedundantAudioVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void chromiumSendsAndReceivesRedundantOpusThroughTheServer() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        long before = server.media().routerCounters().getOrDefault("red.forwarded", 0L);
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1))) {
            for (Visitor v : List.of(clinician, patient)) {
                v.awaitReceived("audio with energy (the fake microphone beeps)", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "audios", "packets", 100) == 1 && Visitor.total(s, "audios", "energy") > 0);
            }
            Map<String, Long> counters = server.media().routerCounters();
            System.out.printf("[browser] redundant audio: red.forwarded %d, red.primary_only %d, red malformed %d%n",
                    counters.get("red.forwarded") - before, counters.get("red.primary_only"),
                    counters.get("rtp.dropped.red_malformed"));
            assertTrue(counters.get("red.forwarded") - before > 100, "RED forwarded: " + counters);
            assertEquals(0L, counters.get("rtp.dropped.red_malformed"));
        }
        awaitServer("the room to close after both left", () -> server.signalling().roomCount() == 0);
    }
}
