package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every screen in Firefox ESR as in Chromium, in Swedish and in English, in the light and the dark colour scheme,
 * one Firefox for each: the check alone
 * ({@code /check}, with the echo test running), the check before a visit, the lobby (the patient waiting, the
 * clinician with the patient in the waiting room), the visit (as clinician and as patient, both in Firefox), the
 * visit ended for everyone (patient and clinician) and an invalid link have no WCAG 2.1 AA violation that axe-core
 * finds (tags wcag2a, wcag2aa, wcag21a, wcag21aa), at a desk (1280×800) and on a phone's width (390×844). On /check
 * the camera preview plays and every check reaches a verdict. (The microphone meter is checked in Chromium:
 * headless Firefox here has no sound device, so its Web Audio stays suspended, which the page must then say, as it
 * must to a patient whose Firefox holds audio until the page is touched.) The Chromium side, with the keyboard and
 * screen-reader checks, is {@link AccessibilityVisitTest}.
 */
@Tag("browser")
class FirefoxPagesTest extends BrowserVisitFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String REMOTE_PICTURE_PLAYS = "() => [...document.querySelectorAll('.tile:not(.own) video')]"
            + ".some((v) => v.readyState >= 2 && v.videoWidth > 0)";

    @BeforeAll
    static void require() {
        FirefoxPeer.requireFirefox();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sv, light", "en, light", "sv, dark", "en, dark"})
    void everyScreenMeetsWcag21AaInFirefox(String lang, String scheme) throws Exception {
        Map<String, List<String>> violations = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        boolean dark = scheme.equals("dark");
        try (FirefoxBrowser firefox = FirefoxBrowser.launch(dark)) {
            try (FirefoxPage check = firefox.open("check", server.baseUrl() + "/check", lang, false)) {
                theCheckWorks(check, lang);
                check.click("[data-testid=echo-test]");
                check.await("the echo test to run", "() => document.querySelector('[data-testid=echo-verdict]')"
                        + ".dataset.verdict === 'running'", TIMEOUT);
                audit(check, "check", lang, dark, violations, errors);
            }

            List<JsonNode> seats = bookSeats(true, "two-party", "clinician", "patient");
            try (FirefoxPage clinician = firefox.open("clinician", seats.get(0).get("joinUrl").asText(), lang, true);
                 FirefoxPage patient = firefox.open("patient", seats.get(1).get("joinUrl").asText(), lang, false)) {
                clinician.awaitState("joined", TIMEOUT);
                awaitVerdicts(patient);
                audit(patient, "precall", lang, dark, violations, errors);

                patient.click("[data-testid=join]");
                patient.awaitState("waiting", TIMEOUT);
                clinician.await("the patient in the waiting room", "() => !!document.querySelector('[data-testid=admit]')",
                        TIMEOUT);
                audit(patient, "lobby-patient", lang, dark, violations, errors);
                audit(clinician, "lobby-clinician", lang, dark, violations, errors);

                clinician.click("[data-testid=admit]");
                patient.awaitState("joined", TIMEOUT);
                clinician.await("the patient's picture to play", REMOTE_PICTURE_PLAYS, TIMEOUT);
                patient.await("the clinician's picture to play", REMOTE_PICTURE_PLAYS, TIMEOUT);
                // The patient muted: the clinician's tile of the patient says so in words, audited with the rest.
                patient.click("[data-testid=mute]");
                clinician.await("the patient's tile to say muted",
                        "() => !!document.querySelector('figure[data-tile-for] figcaption [data-testid=muted]')", TIMEOUT);
                audit(clinician, "visit-clinician", lang, dark, violations, errors);
                audit(patient, "visit-patient", lang, dark, violations, errors);

                clinician.click("[data-testid=end-meeting]"); // the confirmation is accepted by the driver
                patient.awaitState("ended", TIMEOUT);
                clinician.awaitState("ended", TIMEOUT);
                audit(patient, "ended", lang, dark, violations, errors);
                audit(clinician, "ended-clinician", lang, dark, violations, errors);
            }

            try (FirefoxPage invalid = firefox.open("invalid link", server.baseUrl() + "/join#not-a-valid-token", lang, true)) {
                invalid.awaitState("error", TIMEOUT);
                audit(invalid, "error", lang, dark, violations, errors);
                theAuditorSeesAMissingLabel(invalid);
            }
        }

        List<String> all = new ArrayList<>();
        violations.forEach((screen, found) -> found.forEach(v -> all.add(screen + ": " + v)));
        assertTrue(all.isEmpty(), "WCAG 2.1 AA violations in Firefox, " + lang + " " + scheme + ":\n" + String.join("\n", all));
        assertTrue(errors.isEmpty(), "uncaught errors in Firefox, " + lang + " " + scheme + ":\n" + String.join("\n", errors));
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** On /check: the page is in the chosen language, the camera's preview plays and every check reaches a verdict. */
    private static void theCheckWorks(FirefoxPage check, String lang) throws InterruptedException {
        String preview = check.await("the camera's preview to play", "() => { const v = document.querySelector("
                + "'[data-testid=precall]:not([hidden]) video'); return v && v.readyState >= 2 && v.videoWidth > 0"
                + " ? v.videoWidth + 'x' + v.videoHeight : null; }", TIMEOUT).asText();
        // Web Audio: headless Firefox here has no sound device, so its AudioContext stays suspended and the meter
        // cannot move (Chromium's tests check the meter); reported, not asserted.
        String audioContext = check.evaluate("() => new AudioContext().state").asText();
        JsonNode verdicts = awaitVerdicts(check);
        JsonNode touchHint = check.evaluate("() => { const h = document.querySelector('[data-testid=mic-level-touch]');"
                + " return h && !h.hidden ? h.textContent : null; }");
        System.out.printf("[firefox page] check %s: preview %s, verdicts %s, Web Audio %s%n", lang, preview, verdicts, audioContext);
        assertEquals(lang, check.evaluate("() => document.documentElement.lang").asText(), "the page is in the chosen language");
        assertTrue(verdicts.size() >= 2, "the light and network checks report: " + verdicts);
        if ("suspended".equals(audioContext)) {
            assertTrue(touchHint.isTextual(), "with its Web Audio suspended the page tells the person to touch it, not a dead meter");
        }
    }

    /** The pre-call check's verdicts ({@code data-testid} → {@code data-verdict}) once none is {@code checking}. */
    private static JsonNode awaitVerdicts(FirefoxPage page) throws InterruptedException {
        page.await("the pre-call check", "() => !!document.querySelector('[data-testid=precall]:not([hidden])')", TIMEOUT);
        return page.await("every check to reach a verdict", "() => { const v = {};"
                + " document.querySelectorAll('[data-verdict]').forEach((e) => { v[e.dataset.testid || e.id] = e.dataset.verdict; });"
                + " return Object.keys(v).length >= 2 && !Object.values(v).includes('checking') ? v : null; }", TIMEOUT);
    }

    /**
     * Runs axe at a desk's and at a phone's width (the page in the colour scheme asked for), prints what it found (violations, rules passed, rules to review by
     * hand), keeps each violation ({@code id impact target}) and the page's uncaught errors.
     */
    private static void audit(FirefoxPage page, String screen, String lang, boolean dark,
            Map<String, List<String>> violations, List<String> errors) {
        assertEquals(dark, page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches").asBoolean(),
                screen + " is shown in the " + (dark ? "dark" : "light") + " colour scheme");
        for (String form : List.of("desktop", "phone")) {
            boolean phone = form.equals("phone");
            int width = phone ? 390 : 1280;
            int height = phone ? 844 : 800;
            page.viewport(width, height);
            JsonNode result = page.audit();
            String where = screen + " " + form + (dark ? " dark" : "");
            assertEquals(width + "x" + height, result.get("viewport").asText(), where + " is audited at its size");
            List<String> found = violations.computeIfAbsent(where, k -> new ArrayList<>());
            for (JsonNode rule : result.get("violations")) {
                for (JsonNode target : rule.get("targets")) {
                    found.add(rule.get("id").asText() + " (" + rule.get("impact").asText() + ") " + target.asText());
                }
            }
            System.out.printf("[firefox axe] %s %s (%s): %d violations, %d rules passed, to review by hand: %s%n",
                    lang, where, result.get("viewport").asText(), found.size(), result.get("passes").asInt(),
                    result.get("incomplete"));
            found.forEach(v -> System.out.printf("[firefox axe] %s %s: %s%n", lang, where, v));
            assertEquals(lang, result.get("documentLang").asText(), where + " is in the chosen language");
            assertTrue(result.get("passes").asInt() > 10, "axe really ran on " + where + ": " + result);
            result.get("errors").forEach(e -> {
                if (!errors.contains(page.name + ": " + e.asText())) errors.add(page.name + ": " + e.asText());
            });
        }
        page.viewport(1280, 800);
    }

    /** axe is really looking: a field without a label, added for a moment, is reported. */
    private static void theAuditorSeesAMissingLabel(FirefoxPage page) {
        page.evaluate("() => { const i = document.createElement('input'); i.id = 'axe-probe'; document.body.append(i); }");
        JsonNode result = page.audit();
        page.evaluate("() => document.getElementById('axe-probe').remove()");
        boolean seen = false;
        for (JsonNode rule : result.get("violations")) seen |= rule.get("id").asText().equals("label");
        assertTrue(seen, "axe in Firefox reports an unlabelled field: " + result.get("violations"));
    }
}
