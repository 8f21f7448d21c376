package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * All media is cut for 15 s (a train through a tunnel, a Wi-Fi that hangs) while signalling stays up, then
 * comes back: both sides decode each other again soon after, with no click, and the room never holds two
 * seats for one person. Runs in a private network namespace (tag "impaired", see {@link Impairment}).
 */
@Tag("impaired")
class MediaOutageVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration OUTAGE = Duration.ofSeconds(15);
    /** The bound: decoding again within 5 s of the restore. */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(5);

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
    }

    @Test
    void afterFifteenSecondsWithoutMediaBothSidesDecodeAgainWithinFiveSecondsOfTheRestore() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES);
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES)) {
            List<Visitor> both = List.of(clinician, patient);
            for (Visitor v : both) {
                v.awaitReceived("the other's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            }
            int mostSeats = 0;
            try (Impairment outage = Impairment.blockMedia(server.mediaTcpPorts())) {
                long end = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < end) {
                    mostSeats = Math.max(mostSeats, server.signalling().participantCount());
                    Thread.sleep(200);
                }
                assertTrue(outage.dropped() > 0, "the outage dropped media");
            }
            long restoredAt = System.nanoTime();
            for (Visitor v : both) {
                double before = Visitor.total(v.received(), "videos", "frames");
                v.awaitReceived("the other's video after the outage", BACK_WITHIN.plusSeconds(30),
                        s -> Visitor.total(s, "videos", "frames") > before + 10 || (Visitor.flowing(s, "videos", "frames", 10) == 1
                                && Visitor.total(s, "videos", "frames") < before));
                long backAfter = (System.nanoTime() - restoredAt) / 1_000_000;
                System.out.printf("[impaired] 15 s media outage: %s decodes again %d ms after the restore (reconnects %s)%n",
                        v.name, backAfter, v.page.evaluate("() => window.vardmote.reconnects"));
                assertTrue(backAfter <= BACK_WITHIN.toMillis(), v.name + " decoded again only " + backAfter + " ms after the restore");
                mostSeats = Math.max(mostSeats, server.signalling().participantCount());
            }
            assertEquals(2, mostSeats, "never two seats for one person");
            assertEquals(2, server.signalling().participantCount());
        }
    }
}
