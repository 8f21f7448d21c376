package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.media.testkit.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The check alone ({@code /check}, no join link) on a network that lets nothing but a TURN relay through
 * (iceTransportPolicy 'relay' in the page, as {@link TurnRelayVisitTest} does for a visit): the server hands the
 * check's echo sessions its TURN servers with short-lived credentials, so the media path check gets through a real
 * coturn and says so, and the echo test brings the microphone back through it, both ways; in Chromium and in
 * Firefox ESR.
 */
@Tag("browser")
class TurnRelayCheckTest extends TurnVisitFixture {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aCheckLimitedToTheRelayReachesTheServerThroughCoturn() throws Exception {
        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                new Browser.NewContextOptions().setLocale("en-GB"), Visitor.SMALL_FRAMES,
                page -> page.addInitScript("window.vardmoteIceTransportPolicy = 'relay';"))) {
            assertEquals("ok", check.awaitVerdict("media-verdict", CHECK_TIMEOUT), check.text("media-verdict"));
            @SuppressWarnings("unchecked")
            Map<String, Object> media = (Map<String, Object>) check.page.evaluate(
                    "() => ({ ...window.vardmotePrecall.current.state.media })");
            System.out.printf("[media path] relay only: %s: %s%n", media, check.text("media-verdict"));
            assertEquals(Boolean.TRUE, media.get("relay"), "the check went through the relay: " + media);
            assertTrue(check.text("media-verdict").startsWith("✓ picture and sound reach the server through its relay"),
                    "the page says the check went through the relay: " + check.text("media-verdict"));

            check.page.waitForFunction("() => window.vardmotePrecall.current.state.stream");
            check.page.click("[data-testid=echo-test]");
            Map<String, Object> received = EchoCheckVisitTest.awaitEchoEnergy(check.page);
            assertEquals(Map.of("publish", "relay", "subscribe", "relay"), check.page.evaluate(SELECTED_LOCAL_CANDIDATE_TYPES),
                    "the echo went through the relay both ways: " + received);
            assertEquals("ok", check.awaitVerdict("echo-verdict", CHECK_TIMEOUT, "running"), check.text("echo-verdict"));
            assertEquals(List.of(), check.errors, "the page threw nothing");
        }
        eventually("every echo session to end", Duration.ofSeconds(15), () -> server.signalling().echoCount() == 0);
    }

    @Test
    void firefoxLimitedToTheRelayReachesTheServerThroughCoturnToo() throws Exception {
        JsonNode report = FirefoxPeer.check(server.baseUrl() + "/check", true);
        System.out.println("[firefox check] relay only: " + report);
        assertEquals("ok", report.path("media").path("verdict").asText(), report.toString());
        assertTrue(report.path("media").path("relay").asBoolean(), "the check went through the relay: " + report);
        assertTrue(report.path("mediaText").asText().startsWith("✓ picture and sound reach the server through its relay"),
                report.toString());
        assertTrue(report.path("echo").path("packets").asLong() >= 75, "the echo came back through the relay: " + report);
        assertTrue(report.path("echo").path("energy").asDouble() > 0, "with energy: " + report);
        assertEquals(0, report.path("errors").size(), report.toString());
        eventually("every echo session to end", Duration.ofSeconds(15), () -> server.signalling().echoCount() == 0);
    }

    /** The candidate type of the local end of each echo connection's selected pair. */
    private static final String SELECTED_LOCAL_CANDIDATE_TYPES = """
            async () => {
              const out = {};
              const s = window.vardmotePrecall.current.echo.session;
              for (const [name, pc] of [['publish', s.publishPc], ['subscribe', s.subscribePc]]) {
                const stats = await pc.getStats();
                let pairId = null;
                stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId; });
                const pair = pairId && stats.get(pairId);
                const local = pair && stats.get(pair.localCandidateId);
                out[name] = local ? local.candidateType : null;
              }
              return out;
            }
            """;
}
