package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-call check's light verdict, measured from the camera's own frames: a dark room is called dark, an
 * evenly lit one fine, a bright window behind a person back-lit. Each picture is a Y4M file played as
 * Chromium's camera (its own browser), checked on {@code /check}, which needs no booking.
 */
@Tag("browser")
class PrecallLightCheckTest extends BrowserVisitFixture {
    private static final Duration SETTLES_WITHIN = Duration.ofSeconds(20);

    @TempDir
    static Path pictures;

    private static Map<String, Object> lightOf(Path picture, String what) throws IOException {
        try (Chromium camera = Chromium.launch(FakeCamera.switchesFor(picture));
             PrecallPage check = new PrecallPage(camera.browser, server.baseUrl() + "/check",
                     new Browser.NewContextOptions().setLocale("sv-SE"))) {
            Map<String, Object> light = check.awaitLight(4, SETTLES_WITHIN);
            System.out.printf("[light] %s: verdict %s, mean luma %s, centre %s, edges %s (0-255)%n", what,
                    light.get("verdict"), light.get("mean"), light.get("centre"), light.get("edge"));
            assertEquals(light.get("verdict"), check.page.getAttribute("[data-testid=light-verdict]", "data-verdict"),
                    "the page shows what the check measured");
            assertEquals(List.of(), check.errors, "the page threw nothing");
            light.put("text", check.text("light-verdict"));
            return light;
        }
    }

    @Test
    void reportsADarkRoomAsTooDark() throws Exception {
        Map<String, Object> light = lightOf(FakeCamera.darkRoom(pictures), "dark room");
        assertEquals("dark", light.get("verdict"));
        assertTrue(((Number) light.get("mean")).doubleValue() < 60, "mean luma " + light.get("mean"));
        assertTrue(((String) light.get("text")).contains("för mörkt"), "the advice is said in words: " + light.get("text"));
    }

    @Test
    void reportsAnEvenlyLitRoomAsFine() throws Exception {
        Map<String, Object> light = lightOf(FakeCamera.litRoom(pictures), "lit room");
        assertEquals("ok", light.get("verdict"));
        assertTrue(((String) light.get("text")).startsWith("✓"), "a symbol, not colour alone: " + light.get("text"));
    }

    @Test
    void reportsABrightWindowBehindThePersonAsBackLit() throws Exception {
        Map<String, Object> light = lightOf(FakeCamera.backLit(pictures), "bright window behind");
        assertEquals("backlit", light.get("verdict"));
        assertTrue(((String) light.get("text")).contains("ljus bakom dig"), light.get("text").toString());
    }
}
