package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pre-call check's media checks on loopback, with Chromium's fake devices: the media path check gets through to
 * the media port and reports its round trip and bandwidth estimate from the publish connection's statistics; the
 * echo test sends the beeping fake microphone to the server and the audio that comes back on the echo's subscribe
 * connection has energy (inbound-rtp {@code totalAudioEnergy}, as Chromium measured it). Both on {@code /check}
 * (no token) and on a join link before Join; no room is opened, and every echo session ends with its page.
 */
@Tag("browser")
class EchoCheckVisitTest extends BrowserVisitFixture {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void mediaPathCheckPassesOnLoopbackWithRoundTripAndThroughput() throws Exception {
        int roomsBefore = server.signalling().roomCount();
        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                new Browser.NewContextOptions().setLocale("sv-SE"))) {
            assertEquals("ok", check.awaitVerdict("media-verdict", CHECK_TIMEOUT), check.text("media-verdict"));
            @SuppressWarnings("unchecked")
            Map<String, Object> media = (Map<String, Object>) check.page.evaluate("() => ({ ...window.vardmotePrecall.current.state.media })");
            long rtt = ((Number) media.get("rttMs")).longValue();
            long kbps = ((Number) media.get("kbps")).longValue();
            System.out.printf("[media path] loopback: round trip %d ms, estimate %d kbit/s, pair %s%n", rtt, kbps, media.get("pair"));
            assertTrue(rtt >= 0 && rtt <= 300, "round trip " + rtt);
            assertTrue(kbps >= 500, "bandwidth estimate " + kbps);
            // Chromium nominates whichever of the server's UDP and TCP candidates answers first; on loopback either
            // may win, and the verdict says which.
            String pair = String.valueOf(media.get("pair"));
            assertEquals(pair.startsWith("tcp"), media.get("tcp"), pair);
            String text = check.text("media-verdict");
            assertTrue(text.matches("✓ bild och ljud når servern(, via TCP)? \\(svarstid \\d+ ms, cirka \\d+\\.\\d Mbit/s\\)\\."), text);
            assertEquals(roomsBefore, server.signalling().roomCount(), "no room was opened");
            check.page.click("[data-testid=language]");
            assertTrue(check.text("media-verdict").startsWith("✓ picture and sound reach the server"), check.text("media-verdict"));
            assertEquals(List.of(), check.errors, "the page threw nothing");
        }
        awaitServer("every echo session to end", () -> server.signalling().echoCount() == 0);
    }

    @Test
    void echoTestPlaysTheMicrophoneBackThroughTheServer() throws Exception {
        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                new Browser.NewContextOptions().setLocale("en-GB"))) {
            check.page.waitForFunction("() => window.vardmotePrecall.current.state.stream");
            long startedBefore = server.signalling().echoCounters().get("echo.started");
            check.page.focus("[data-testid=echo-test]");
            check.page.keyboard().press("Enter");
            assertEquals("true", check.page.getAttribute("[data-testid=echo-test]", "aria-pressed"));
            assertEquals("running", check.page.getAttribute("[data-testid=echo-verdict]", "data-verdict"));
            assertTrue(check.text("echo-verdict").startsWith("say something"), check.text("echo-verdict"));
            // What Chromium itself measured of the audio that came back on the echo's subscribe connection.
            Map<String, Object> received = awaitEchoEnergy(check.page);
            System.out.println("[echo] received back from the server: " + received);
            assertTrue(((Number) received.get("energy")).doubleValue() > 0, "the echo has energy: " + received);
            assertTrue(((Number) received.get("packets")).longValue() > 0);
            // The echo is held in the receiver's jitter buffer, so it is heard as an echo (NetEq grows to the target by
            // stretching the audio over the first seconds; delayMs is the average so far).
            assertEquals(1000, ((Number) check.page.evaluate("() => window.vardmotePrecall.current.echo.session.subscribePc"
                    + ".getReceivers().find(r => r.track.kind === 'audio').jitterBufferTarget")).intValue(), "the echo's playout target");
            assertEquals(startedBefore + 1, server.signalling().echoCounters().get("echo.started"));
            assertEquals(0, server.signalling().roomCount(), "an echo opens no room");

            assertEquals("ok", check.awaitVerdict("echo-verdict", CHECK_TIMEOUT, "running"), check.text("echo-verdict"));
            assertTrue(check.text("echo-verdict").startsWith("✓ your voice went through the server"), check.text("echo-verdict"));
            assertEquals("false", check.page.getAttribute("[data-testid=echo-test]", "aria-pressed"));
            assertEquals(List.of(), check.errors, "the page threw nothing");
        }
        awaitServer("every echo session to end", () -> server.signalling().echoCount() == 0);
    }

    /** The echo's inbound-rtp audio statistics once their totalAudioEnergy is above 0; fails after the timeout. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> awaitEchoEnergy(Page page) {
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        Map<String, Object> received = Map.of();
        while (System.nanoTime() < deadline) {
            received = (Map<String, Object>) page.evaluate("""
                    async () => {
                      const out = {};
                      const e = window.vardmotePrecall.current.echo;
                      if (!e || !e.session.subscribePc) return out;
                      out.publish = e.session.publishPc && e.session.publishPc.connectionState;
                      out.subscribe = e.session.subscribePc.connectionState;
                      out.error = e.session.error;
                      (await e.session.subscribePc.getStats()).forEach(s => {
                        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                          out.energy = s.totalAudioEnergy; out.level = s.audioLevel; out.packets = s.packetsReceived;
                          out.samples = s.totalSamplesReceived;
                          out.delayMs = s.jitterBufferEmittedCount ? Math.round(1000 * s.jitterBufferDelay / s.jitterBufferEmittedCount) : null;
                        }
                      });
                      return out;
                    }""");
            // A second of packets and more, so that the fake microphone's beep (once a second) has come back.
            if (received.get("energy") instanceof Number n && n.doubleValue() > 0
                    && received.get("packets") instanceof Number p && p.longValue() >= 75) {
                return received;
            }
            page.waitForTimeout(250);
        }
        throw new AssertionError("no audio with energy came back within " + CHECK_TIMEOUT.toSeconds() + " s: " + received
                + " " + page.evaluate("() => JSON.stringify(window.vardmotePrecall.current.state.echo)"));
    }

    @Test
    void joinLinkOffersBothChecksBeforeJoiningAndJoinEndsThem() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (PrecallPage patient = new PrecallPage(chromium.browser, links.get(1), new Browser.NewContextOptions().setLocale("sv-SE"))) {
            assertEquals("ok", patient.awaitVerdict("media-verdict", CHECK_TIMEOUT), patient.text("media-verdict"));
            patient.page.waitForFunction("() => window.vardmotePrecall.current.state.stream");
            patient.page.click("[data-testid=echo-test]");
            awaitEchoEnergy(patient.page);
            assertEquals("checking", patient.page.evaluate("() => window.vardmote.state"), "nothing joined during the checks");
            patient.page.click("[data-testid=join]");
            patient.page.waitForFunction("() => window.vardmote.state === 'joined'", null,
                    new Page.WaitForFunctionOptions().setTimeout(CHECK_TIMEOUT.toMillis()));
            awaitServer("Join to end the echo", () -> server.signalling().echoCount() == 0);
            assertFalse(patient.page.isVisible("[data-testid=echo-test]"));
            assertEquals(List.of(), patient.errors, "the page threw nothing");
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }
}
