package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode report = FirefoxPeer.check(server.baseUrl() + "/check", false);
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
