package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pre-call check's media checks in Firefox ESR (src/test/firefox/firefox-check.mjs): the media path check gets
 * through on loopback and, as Firefox reports no send estimate, is judged and shown by its round trip; the echo test
 * brings Firefox's fake microphone back through the server.
 */
@Tag("browser")
class FirefoxPrecallCheckTest extends BrowserVisitFixture {

    @Test
    void firefoxRunsTheMediaPathCheckAndTheEchoTest() throws Exception {
        FirefoxPeer.requireFirefox();
        ProcessBuilder pb = new ProcessBuilder("node", "src/test/firefox/firefox-check.mjs", server.baseUrl() + "/check");
        pb.environment().put("PUPPETEER_SKIP_DOWNLOAD", "1");
        pb.environment().put("MOZ_DISABLE_NONLOCAL_CONNECTIONS", "1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the Firefox driver ended");
        String last = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no report from Firefox: " + output));
        JsonNode report = new ObjectMapper().readTree(last);
        System.out.println("[firefox check] " + report);
        assertEquals("ok", report.path("media").path("verdict").asText(), report.toString());
        assertTrue(report.path("media").path("rttMs").isNumber(), "a round trip: " + report);
        assertTrue(report.path("mediaText").asText().startsWith("✓ picture and sound reach the server"), report.toString());
        assertTrue(report.path("echo").path("packets").asLong() >= 75, "the echo came back: " + report);
        assertTrue(report.path("echo").path("energy").asDouble() > 0, "with energy: " + report);
        assertEquals("ok", report.path("echoVerdict").asText(), report.toString());
        assertEquals(0, report.path("errors").size(), report.toString());
        awaitServer("every echo session to end", () -> server.signalling().echoCount() == 0);
    }
}
