package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pages a patient meets, in Firefox ESR as in Chromium: the pre-call check on /check works (the camera
 * preview plays, the checks reach a verdict) and the check and the visit have no WCAG 2.1 AA violation that
 * axe-core finds, in Swedish and in English. (The microphone meter is checked in Chromium: headless Firefox here
 * has no sound device, so its Web Audio stays suspended, which the page must then say, as it must to a patient
 * whose Firefox holds audio until the page is touched.) The Chromium side, at every size and colour scheme, is
 * {@link AccessibilityVisitTest}.
 */
class FirefoxPagesTest extends BrowserVisitFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @BeforeAll
    static void require() {
        FirefoxPeer.requireFirefox();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sv", "en"})
    void thePrecallCheckWorksAndMeetsWcag21AaInFirefox(String lang) throws Exception {
        JsonNode result = FirefoxPage.audit(server.baseUrl() + "/check", lang, "check", TIMEOUT);
        System.out.printf("[firefox page] check %s: %d violations, %d rules passed, preview %s, verdicts %s, Web Audio %s%n",
                lang, result.get("violations").size(), result.get("passes").asInt(), result.get("preview").asText(),
                result.get("verdicts"), result.get("audioContext").asText());
        assertEquals(lang, result.get("documentLang").asText(), "the page is in the chosen language");
        assertEquals(0, result.get("violations").size(), "axe in Firefox: " + result.get("violations"));
        assertTrue(result.get("passes").asInt() > 10, "axe really ran: " + result);
        assertTrue(result.get("preview").isTextual(), "Firefox shows the camera's preview: " + result);
        assertTrue(result.get("verdicts").size() >= 2, "the light and network checks report: " + result);
        result.get("verdicts").fields().forEachRemaining(v ->
                assertTrue(!v.getValue().asText().equals("checking"), v.getKey() + " reached no verdict: " + result));
        if ("suspended".equals(result.get("audioContext").asText())) {
            assertTrue(result.get("micTouchHint").isTextual(),
                    "with its Web Audio suspended the page tells the person to touch it, not a dead meter: " + result);
        }
        assertEquals(0, result.get("errors").size(), "uncaught errors in Firefox: " + result.get("errors"));
    }

    @Test
    void theVisitMeetsWcag21AaInFirefox() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0))) {
            JsonNode result = FirefoxPage.audit(links.get(1), "sv", "visit", TIMEOUT);
            System.out.printf("[firefox page] visit sv: state %s, %d violations, %d rules passed%n",
                    result.get("state").asText(), result.get("violations").size(), result.get("passes").asInt());
            assertEquals("joined", result.get("state").asText(), "Firefox joined the visit: " + result);
            assertEquals(0, result.get("violations").size(), "axe in Firefox: " + result.get("violations"));
            assertTrue(result.get("passes").asInt() > 10, "axe really ran: " + result);
            assertEquals(0, result.get("errors").size(), "uncaught errors in Firefox: " + result.get("errors"));
        }
    }
}
