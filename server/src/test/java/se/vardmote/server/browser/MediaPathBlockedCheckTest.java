package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pre-call check on a network that blocks video calls: nftables (in the test JVM's private namespace) drops
 * everything to the server's media UDP and ICE-TCP ports while its signalling port stays open. The server still
 * answers the connection check, but the media path check must say, within a bounded time, that picture and sound
 * cannot reach the server, and the echo test that its sound does not get there. The rules are removed at the end.
 */
@Tag("impaired")
class MediaPathBlockedCheckTest extends BrowserVisitFixture {
    /** The check gives up on ICE and DTLS after 10 s; the page, its socket and the offer take a little more. */
    private static final Duration VERDICT_WITHIN = Duration.ofSeconds(20);

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
    }

    @Test
    void blockedMediaPortsAreReportedAsMediaCannotReachTheServer() throws Exception {
        try (Impairment blocked = Impairment.blockMediaPorts(server.mediaPorts(), server.mediaTcpPorts())) {
            long started = System.nanoTime();
            try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                    new Browser.NewContextOptions().setLocale("en-GB"))) {
                assertEquals("ok", check.awaitVerdict("network-verdict", VERDICT_WITHIN), "the signalling port stays open");
                assertEquals("failed", check.awaitVerdict("media-verdict", VERDICT_WITHIN), check.text("media-verdict"));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                System.out.printf("[media path] blocked media ports: verdict in %.1f s: %s%n", took.toMillis() / 1000.0,
                        check.text("media-verdict"));
                assertTrue(took.compareTo(VERDICT_WITHIN) <= 0, "verdict after " + took);
                assertTrue(check.text("media-verdict").startsWith("⚠ picture and sound cannot reach the server. "
                        + "The network may block video calls; try another network"), check.text("media-verdict"));
                assertTrue(blocked.dropped() > 0, "the rules dropped the browser's media: " + blocked.dropped());

                check.page.waitForFunction("() => window.vardmotePrecall.current.state.stream");
                check.page.click("[data-testid=echo-test]");
                assertEquals("failed", check.awaitVerdict("echo-verdict", VERDICT_WITHIN, "running"), check.text("echo-verdict"));
                assertTrue(check.text("echo-verdict").startsWith("⚠ your sound could not reach the server."), check.text("echo-verdict"));

                check.page.click("[data-testid=language]");
                assertTrue(check.text("media-verdict").startsWith("⚠ bild och ljud når inte servern."), check.text("media-verdict"));
                assertEquals(List.of(), check.errors, "the page threw nothing");
            }
            awaitServer("every echo session to end", () -> server.signalling().echoCount() == 0);
        }
        assertFalse(Impairment.present(), "the rules are gone");
    }
}
