package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One language at a time: Swedish for a browser that prefers Swedish (or anything but English), English for
 * one that prefers English, and a switch on the page that the tab remembers through a reload. No label
 * carries both languages.
 */
@Tag("browser")
class LanguageVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    private static String text(Visitor v, String testId) {
        return v.page.textContent("[data-testid=" + testId + "]").trim();
    }

    private static String visibleText(Visitor v) {
        return (String) v.page.evaluate("() => document.body.innerText");
    }

    @Test
    void thePageSpeaksTheBrowsersLanguageAndSwitchesOnRequest() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor swedish = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES, p -> { },
                     new Browser.NewContextOptions().setLocale("sv-SE"));
             Visitor english = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES, p -> { },
                     new Browser.NewContextOptions().setLocale("en-GB"))) {
            for (Visitor v : List.of(swedish, english)) v.awaitState("joined", MEDIA_TIMEOUT);
            english.page.waitForSelector("[data-testid=mute]:not([disabled])");
            swedish.page.waitForSelector("[data-testid=mute]:not([disabled])");

            assertEquals("sv", swedish.page.getAttribute("html", "lang"));
            assertEquals("Stäng av mikrofon", text(swedish, "mute"));
            assertEquals("Lämna", text(swedish, "leave"));
            assertEquals("English", text(swedish, "language"));
            assertEquals("en", english.page.getAttribute("html", "lang"));
            assertEquals("Mute", text(english, "mute"));
            assertEquals("Leave", text(english, "leave"));
            for (Visitor v : List.of(swedish, english)) {
                String page = visibleText(v);
                assertFalse(page.contains(" / "), v.name + "'s page doubles a label: " + page);
            }

            english.page.click("[data-testid=language]");
            assertEquals("sv", english.page.getAttribute("html", "lang"));
            assertEquals("Stäng av mikrofon", text(english, "mute"));
            assertTrue(text(english, "status").startsWith("I besöket") || text(english, "status").startsWith("Väntar"),
                    "the status line follows: " + text(english, "status"));
            english.page.reload();
            english.awaitState("joined", MEDIA_TIMEOUT);
            assertEquals("sv", english.page.getAttribute("html", "lang"), "the choice outlives a reload");
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }
}
