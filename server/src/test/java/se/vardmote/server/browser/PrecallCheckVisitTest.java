package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pre-call check as people meet it: before the visit on the join link (nothing joined until Join), and on
 * {@code /check} without any token. The microphone meter follows Chromium's beeping fake microphone, the server
 * answers the connection check, the devices chosen there are the ones the visit sends, every control is a 44 px
 * target reachable by keyboard, and the page throws nothing. Screenshots go to {@code target/screenshots/}.
 */
@Tag("browser")
class PrecallCheckVisitTest extends BrowserVisitFixture {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void checkPageNeedsNoTokenRunsEveryCheckAndJoinsNothing() throws Exception {
        int roomsBefore = server.signalling().roomCount();
        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                new Browser.NewContextOptions().setLocale("sv-SE"))) {
            assertEquals("sv", check.page.getAttribute("html", "lang"));
            assertEquals("ok", check.awaitVerdict("network-verdict", CHECK_TIMEOUT));
            assertTrue(check.text("network-verdict").matches("✓ servern nås \\(svarstid \\d+ ms\\)\\."), check.text("network-verdict"));
            assertNotEquals(null, check.awaitVerdict("light-verdict", CHECK_TIMEOUT));
            assertTrue(check.page.querySelectorAll("[data-testid=camera-picker] option").size() >= 1, "cameras listed");
            assertTrue(check.page.querySelectorAll("[data-testid=microphone-picker] option").size() >= 1, "microphones listed");
            assertTrue(check.page.isVisible("[data-testid=speaker-picker]"), "Chromium can choose the speaker (setSinkId)");
            assertEquals(0, check.page.querySelectorAll("[data-testid=join]").size(), "/check joins nothing");
            check.page.click("[data-testid=speaker-test]");
            check.page.waitForSelector("[data-testid=speaker-test][data-played='1']");
            assertEquals(roomsBefore, server.signalling().roomCount(), "no room was opened");

            check.page.click("[data-testid=language]");
            assertEquals("en", check.page.getAttribute("html", "lang"));
            assertTrue(check.text("network-verdict").startsWith("✓ the server answers"), check.text("network-verdict"));
            assertEquals("Before you join", check.text("precall").lines().findFirst().orElse("").trim());
            assertEquals(List.of(), check.errors, "the page threw nothing");
        }
    }

    @Test
    void microphoneLevelMovesWithChromiumsBeepingMicrophone() throws Exception {
        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check",
                new Browser.NewContextOptions().setLocale("en-GB"))) {
            List<Double> levels = check.micLevels(Duration.ofSeconds(3));
            double max = levels.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double min = levels.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            System.out.printf("[mic] %d samples over 3 s: min %.3f, max %.3f: %s%n", levels.size(), min, max, levels);
            assertTrue(max >= 0.2, "the beep shows on the meter: max " + max);
            assertTrue(max - min >= 0.2, "the meter moves with the beeps and the silences between: " + min + ".." + max);
            assertEquals(List.of(), check.errors, "the page threw nothing");
        }
    }

    @Test
    void joiningFromTheCheckEntersTheVisitWithTheChosenDevices() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        // Three fake cameras, besides Chromium's three fake microphones and speakers. The second camera gives
        // 16-bit depth frames (Y16), which the video element shows but the encoder cannot take; the third is MJPEG.
        try (Chromium cameras = Chromium.launch(List.of("--use-fake-device-for-media-stream=device-count=3"));
             PrecallPage patient = new PrecallPage(cameras.browser, links.get(1), Visitor.phone().setLocale("sv-SE"));
             Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0))) {
            assertEquals("checking", patient.page.evaluate("() => window.vardmote.state"), "nothing is joined during the check");
            patient.awaitVerdict("network-verdict", CHECK_TIMEOUT);
            patient.page.waitForFunction("() => document.querySelectorAll('[data-testid=camera-picker] option').length >= 3"
                    + " && document.querySelectorAll('[data-testid=microphone-picker] option').length >= 3");
            String camera = (String) patient.page.evaluate(
                    "() => document.querySelectorAll('[data-testid=camera-picker] option')[2].value");
            String microphone = (String) patient.page.evaluate(
                    "() => document.querySelectorAll('[data-testid=microphone-picker] option')[2].value");
            String speaker = (String) patient.page.evaluate(
                    "() => document.querySelectorAll('[data-testid=speaker-picker] option')[1].value");
            patient.page.selectOption("[data-testid=camera-picker]", camera);
            patient.page.selectOption("[data-testid=microphone-picker]", microphone);
            patient.page.selectOption("[data-testid=speaker-picker]", speaker);
            patient.page.waitForFunction("id => window.vardmotePrecall.current.state.devices.videoinput === id", camera);
            patient.page.waitForFunction("id => window.vardmotePrecall.current.state.devices.audioinput === id", microphone);

            for (ElementHandle control : patient.page.querySelectorAll("[data-testid=precall] button, [data-testid=precall] select")) {
                BoundingBox b = control.boundingBox();
                if (b != null) assertTrue(b.height >= 44 && b.width >= 44, "touch target " + b.width + "x" + b.height);
            }
            // Keyboard only: Tab until Join has the focus, then Enter.
            for (int i = 0; i < 30 && !"join".equals(patient.page.evaluate("() => document.activeElement && document.activeElement.dataset.testid")); i++) {
                patient.page.keyboard().press("Tab");
            }
            assertEquals("join", patient.page.evaluate("() => document.activeElement.dataset.testid"), "Join is reachable by Tab");
            patient.page.keyboard().press("Enter");

            patient.page.waitForFunction("() => window.vardmote.state === 'joined' && window.vardmote.publishPc",
                    null, new Page.WaitForFunctionOptions().setTimeout(MEDIA_TIMEOUT.toMillis()));
            assertTrue(patient.page.isHidden("[data-testid=precall]"), "the check is gone once in the visit");
            @SuppressWarnings("unchecked")
            Map<String, Object> sent = (Map<String, Object>) patient.page.evaluate("""
                    () => {
                      const ids = {};
                      window.vardmote.publishPc.getSenders().forEach(s => { if (s.track) ids[s.track.kind] = s.track.getSettings().deviceId; });
                      return ids;
                    }""");
            assertEquals(camera, sent.get("video"), "the visit sends the chosen camera");
            assertEquals(microphone, sent.get("audio"), "the visit sends the chosen microphone");
            clinician.awaitReceived("the patient's video and audio", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 30) == 1 && Visitor.flowing(s, "audios", "packets", 100) == 1);
            patient.page.waitForFunction("id => [...document.querySelectorAll('video[data-participant-id]')].some(v => v.sinkId === id)",
                    speaker, new Page.WaitForFunctionOptions().setTimeout(MEDIA_TIMEOUT.toMillis()));
            assertEquals(List.of(), patient.errors, "the page threw nothing");

            patient.page.reload();
            patient.page.waitForFunction("() => window.vardmote.state === 'joined'", null,
                    new Page.WaitForFunctionOptions().setTimeout(MEDIA_TIMEOUT.toMillis()));
            assertTrue(patient.page.isHidden("[data-testid=precall]"), "a reload during the visit goes straight back in");
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void interpretersCheckTheirMicrophoneAndConnectionWithoutACamera() throws Exception {
        List<String> links = book("group", "clinician", "interpreter");
        try (PrecallPage interpreter = new PrecallPage(chromium.browser, links.get(1), new Browser.NewContextOptions().setLocale("sv-SE"))) {
            assertEquals("ok", interpreter.awaitVerdict("network-verdict", CHECK_TIMEOUT));
            assertTrue(interpreter.page.isHidden("[data-testid=precall-preview]"), "no camera preview");
            assertTrue(interpreter.page.isHidden("[data-testid=camera-picker]"), "no camera picker");
            assertTrue(interpreter.page.isHidden("[data-testid=light-verdict]"), "no light check");
            assertTrue(interpreter.page.isVisible("[data-testid=mic-level]"), "the microphone meter");
            interpreter.page.waitForFunction("() => Number(document.querySelector('[data-testid=mic-level]').dataset.level) > 0.2");
            assertEquals(0L, ((Number) interpreter.page.evaluate(
                    "() => window.vardmotePrecall.current.state.stream.getVideoTracks().length")).longValue(), "no camera opened");
            interpreter.page.click("[data-testid=join]");
            interpreter.page.waitForFunction("() => window.vardmote.state === 'joined'", null,
                    new Page.WaitForFunctionOptions().setTimeout(MEDIA_TIMEOUT.toMillis()));
            assertEquals(0L, ((Number) interpreter.page.evaluate("() => window.vardmote.localStream.getVideoTracks().length")).longValue(),
                    "the interpreter joins with the microphone only");
            assertEquals(List.of(), interpreter.errors, "the page threw nothing");
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void screenshotsOfTheCheckInBothLanguagesOnADeskAndAPhone() throws Exception {
        Path shots = Path.of("target", "screenshots");
        Files.createDirectories(shots);
        List<String> links = book("two-party", "clinician", "patient");
        for (String lang : List.of("sv", "en")) {
            for (String device : List.of("desktop", "phone")) {
                Browser.NewContextOptions options = "phone".equals(device) ? Visitor.phone()
                        : new Browser.NewContextOptions().setViewportSize(1280, 800);
                try (PrecallPage page = new PrecallPage(chromium.browser, links.get(1), options.setLocale(lang),
                        Visitor.DEFAULT_FRAMES)) {
                    page.awaitVerdict("network-verdict", CHECK_TIMEOUT);
                    page.awaitVerdict("light-verdict", CHECK_TIMEOUT);
                    page.awaitVerdict("media-verdict", Duration.ofSeconds(30));
                    page.page.waitForFunction("() => Number(document.querySelector('[data-testid=mic-level]').dataset.level) > 0.3");
                    assertEquals(lang, page.page.getAttribute("html", "lang"));
                    BoundingBox join = page.page.querySelector("[data-testid=join]").boundingBox();
                    int height = "phone".equals(device) ? 844 : 800;
                    assertTrue(join.y + join.height <= height, device + ": Join is in view without scrolling, y=" + join.y);
                    page.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("precall-" + device + "-" + lang + ".png")));
                    assertEquals(List.of(), page.errors, "the page threw nothing");
                }
            }
        }
        assertFalse(Files.notExists(shots.resolve("precall-phone-en.png")));
    }
}
