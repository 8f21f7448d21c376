package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Rule;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.ReducedMotion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import se.vardmote.server.TestBooking;

/**
 * WCAG 2.1 AA on every screen, in Swedish and in English, checked by axe-core (tags wcag2a, wcag2aa, wcag21a,
 * wcag21aa) at a desk (1280×800) and on a phone (390×844): the check alone ({@code /check}), the check before a
 * visit, the lobby (the patient waiting, the clinician with the waiting list), the visit (as clinician and as
 * patient), the visit ended for everyone, and an invalid link. Along the way: every control of the visit is
 * reached with Tab and shows a focus outline, who joins and who mutes is announced in a live region, and a
 * reduced-motion preference stops every animation. Screenshots of each screen go to {@code target/screenshots/}
 * ({@code <screen>-<desktop|phone>-<language>.png}).
 */
@Tag("browser")
class AccessibilityVisitTest extends BrowserVisitFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    private static final Path SHOTS = Path.of("target", "screenshots");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sv", "en"})
    void everyScreenMeetsWcag21AaInBothLanguages(String language) throws Exception {
        String locale = language.equals("sv") ? "sv-SE" : "en-GB";
        Map<String, List<String>> violations = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Files.createDirectories(SHOTS);

        try (PrecallPage check = new PrecallPage(chromium.browser, server.baseUrl() + "/check", desk(locale))) {
            check.awaitVerdict("network-verdict", TIMEOUT);
            check.awaitVerdict("media-verdict", TIMEOUT);
            assertEquals(language, check.page.getAttribute("html", "lang"));
            // The echo test's verdict row shows once it is pressed: audit the page with it.
            check.page.waitForFunction("() => window.vardmotePrecall.current.state.stream");
            check.page.click("[data-testid=echo-test]");
            check.page.waitForSelector("[data-testid=echo-verdict][data-verdict=running]");
            audit(check.page, "check", language, violations);
        }

        List<JsonNode> seats = TestBooking.seats(TestBooking.book(server, "two-party", true, "clinician", "patient"));
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText(),
                     Visitor.SMALL_FRAMES, p -> p.onDialog(d -> d.accept()), desk(locale));
             PrecallPage patient = new PrecallPage(chromium.browser, seats.get(1).get("joinUrl").asText(), desk(locale))) {
            clinician.awaitState("joined", TIMEOUT);
            patient.awaitVerdict("network-verdict", TIMEOUT);
            patient.awaitVerdict("media-verdict", TIMEOUT);
            audit(patient.page, "precall", language, violations);

            patient.page.click("[data-testid=join]");
            awaitState(patient.page, "waiting");
            clinician.page.waitForSelector("[data-testid=admit]");
            audit(patient.page, "lobby-patient", language, violations);
            audit(clinician.page, "lobby-clinician", language, violations);

            clinician.page.click("[data-testid=admit]");
            awaitState(patient.page, "joined");
            clinician.awaitReceived("the patient's video", TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            patient.page.waitForSelector("video[data-participant-id]");
            String joined = announcements(clinician.page);
            soft(problems, () -> assertTrue(joined.contains("Test patient"), "the clinician hears who joined: " + joined));

            patient.page.click("[data-testid=mute]");
            soft(problems, () -> awaitAnnouncement(clinician.page, "Test patient", joined));
            soft(problems, () -> theParticipantListNamesRolesAndRatesEachConnection(clinician.page, language));
            soft(problems, () -> theTileSaysMutedInWords(clinician.page));
            audit(clinician.page, "visit-clinician", language, violations);
            audit(patient.page, "visit-patient", language, violations);
            soft(problems, () -> theSelfViewMovesByKeyboardAndByDragging(patient.page));
            soft(problems, () -> everyControlIsReachedWithTabAndShowsItsFocus(clinician.page));
            soft(problems, () -> everyControlIsReachedWithTabAndShowsItsFocus(patient.page));
            soft(problems, () -> nothingMovesWhenMotionIsReduced(clinician.page));

            clinician.page.click("[data-testid=end-meeting]");
            awaitState(patient.page, "ended");
            clinician.awaitState("ended", TIMEOUT);
            audit(patient.page, "ended", language, violations);
            audit(clinician.page, "ended-clinician", language, violations);
        }

        try (Visitor invalid = new Visitor(chromium.browser, "invalid link", server.baseUrl() + "/join#not-a-valid-token",
                Visitor.SMALL_FRAMES, p -> { }, desk(locale))) {
            invalid.awaitState("error", TIMEOUT);
            audit(invalid.page, "error", language, violations);
            theAuditorSeesAMissingLabel(invalid.page);
        }

        violations.forEach((screen, found) -> System.out.printf("[axe] %s %s: %d violations%n", language, screen, found.size()));
        List<String> all = new ArrayList<>();
        violations.forEach((screen, found) -> found.forEach(v -> all.add(screen + ": " + v)));
        problems.forEach(p -> System.out.println("[a11y] " + language + ": " + p));
        assertTrue(problems.isEmpty(), "keyboard, announcements or motion in " + language + ":\n" + String.join("\n", problems));
        assertTrue(all.isEmpty(), "WCAG 2.1 AA violations in " + language + ":\n" + String.join("\n", all));
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** Runs a check and keeps its failure, so that one run reports every screen. */
    private static void soft(List<String> problems, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        }
    }

    private static Browser.NewContextOptions desk(String locale) {
        return new Browser.NewContextOptions().setViewportSize(1280, 800).setLocale(locale);
    }

    /**
     * Runs axe at a desk's and a phone's size, in the light and the dark colour scheme, keeps each violation
     * ({@code id impact target}), prints what axe could not decide (text over a video, say), and takes a
     * screenshot of each size in the light scheme.
     */
    private static void audit(Page page, String screen, String language, Map<String, List<String>> violations) throws Exception {
        for (String form : List.of("desktop", "phone")) {
            if (form.equals("phone")) page.setViewportSize(390, 844);
            else page.setViewportSize(1280, 800);
            for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
                page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
                page.waitForTimeout(200);
                AxeResults results = new AxeBuilder(page).withTags(WCAG_21_AA).analyze();
                String where = screen + " " + form + (scheme == ColorScheme.DARK ? " dark" : "");
                List<String> found = violations.computeIfAbsent(where, k -> new ArrayList<>());
                for (Rule rule : results.getViolations()) {
                    for (CheckedNode node : rule.getNodes()) {
                        String line = rule.getId() + " (" + rule.getImpact() + ") " + node.getTarget() + ": " + rule.getHelp();
                        found.add(line);
                        System.out.printf("[axe] %s %s: %s%n", language, where, line);
                    }
                }
                for (Rule rule : results.getIncomplete()) {
                    for (CheckedNode node : rule.getNodes()) {
                        System.out.printf("[axe] %s %s: to review by hand: %s %s%n", language, where, rule.getId(), node.getTarget());
                    }
                }
                if (scheme == ColorScheme.LIGHT) {
                    System.out.printf("[axe] %s %s: %d rules passed%n", language, where, results.getPasses().size());
                    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(screen + "-" + form + "-" + language + ".png")));
                }
            }
        }
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        page.setViewportSize(1280, 800);
    }

    /** axe is really looking: a field without a label, added for a moment, is reported. */
    private static void theAuditorSeesAMissingLabel(Page page) {
        page.evaluate("() => { const i = document.createElement('input'); i.id = 'axe-probe'; document.body.append(i); }");
        AxeResults results = new AxeBuilder(page).withTags(WCAG_21_AA).analyze();
        page.evaluate("() => document.getElementById('axe-probe').remove()");
        assertTrue(results.getViolations().stream().anyMatch(r -> r.getId().equals("label")),
                "axe reports an unlabelled field: " + results.getViolations());
    }

    private static void awaitState(Page page, String expected) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            state = (String) page.evaluate("() => window.vardmote ? window.vardmote.state : null");
            if (expected.equals(state)) return;
            page.waitForTimeout(100);
        }
        throw new AssertionError("state " + expected + " not reached; it is " + state);
    }

    /** What the page's announcement live region has said so far. */
    private static String announcements(Page page) {
        return (String) page.evaluate("() => (document.querySelector('[data-testid=announcements]') || {}).textContent || ''");
    }

    private static void awaitAnnouncement(Page page, String about, String before) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String now = before;
        while (System.nanoTime() < deadline) {
            now = announcements(page);
            if (!now.equals(before) && now.contains(about)) return;
            page.waitForTimeout(100);
        }
        throw new AssertionError("no announcement about " + about + " after " + before + "; now: " + now);
    }

    /**
     * The participant list shows each person with the role in the catalogue's words and a connection rating in
     * words (good, fair or poor once measured), with a symbol beside it.
     */
    @SuppressWarnings("unchecked")
    private static void theParticipantListNamesRolesAndRatesEachConnection(Page page, String language) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<Map<String, Object>> people = List.of();
        while (System.nanoTime() < deadline) {
            people = (List<Map<String, Object>>) page.evaluate("() => [...document.querySelectorAll('[data-testid=participants] li')]"
                    + ".map(li => ({ text: li.innerText, quality: li.querySelector('[data-testid=quality]').dataset.quality,"
                    + " words: li.querySelector('[data-testid=quality]').innerText }))");
            if (people.size() == 2 && people.stream().allMatch(p -> List.of("good", "fair", "poor").contains(p.get("quality")))) break;
            page.waitForTimeout(250);
        }
        System.out.println("[people] " + language + ": " + people);
        assertEquals(2, people.size(), "the clinician and the patient are listed: " + people);
        String roleWord = (String) page.evaluate("() => window.vardmoteMessages['" + language + "'].role_patient");
        String clinicianWord = (String) page.evaluate("() => window.vardmoteMessages['" + language + "'].role_clinician");
        assertTrue(((String) people.get(0).get("text")).contains(clinicianWord), "ourselves first, as " + clinicianWord + ": " + people);
        assertTrue(((String) people.get(1).get("text")).contains("Test patient")
                && ((String) people.get(1).get("text")).contains(roleWord), "the patient, as " + roleWord + ": " + people);
        for (Map<String, Object> p : people) {
            assertTrue(List.of("good", "fair", "poor").contains(p.get("quality")), "a measured rating: " + p);
            String ratingWord = (String) page.evaluate("() => window.vardmoteMessages['" + language + "'].quality_" + p.get("quality"));
            assertTrue(((String) p.get("words")).contains(ratingWord) && ((String) p.get("words")).contains("●"),
                    "the rating in words and a symbol: " + p);
        }
    }

    /** The patient muted: the clinician's tile of the patient says so in words, beside the name. */
    private static void theTileSaysMutedInWords(Page page) {
        page.waitForSelector("figure[data-tile-for] figcaption [data-testid=muted]");
        String words = page.textContent("figure[data-tile-for] figcaption [data-testid=muted]").trim();
        assertTrue(words.length() > 3, "muted in words: " + words);
    }

    /** The small self-view: the Move button (Enter on it) puts it in the next corner, and a drag in the nearest. */
    private static void theSelfViewMovesByKeyboardAndByDragging(Page page) {
        assertEquals("bottom-right", page.getAttribute("#own-tile", "data-corner"));
        page.focus("[data-testid=move-self-view]");
        page.keyboard().press("Enter");
        assertEquals("bottom-left", page.getAttribute("#own-tile", "data-corner"));
        BoundingBox own = page.locator("#own-tile").boundingBox();
        BoundingBox pictures = page.locator("#tiles").boundingBox();
        page.mouse().move(own.x + own.width / 2, own.y + own.height / 2);
        page.mouse().down();
        page.mouse().move(pictures.x + pictures.width - 20, pictures.y + 20, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(5));
        page.mouse().up();
        assertEquals("top-right", page.getAttribute("#own-tile", "data-corner"), "dragged to the top right");
        BoundingBox moved = page.locator("#own-tile").boundingBox();
        assertTrue(moved.y < pictures.y + pictures.height / 2 && moved.x > pictures.x + pictures.width / 2, "it sits there: " + moved.x + "," + moved.y);
        page.focus("[data-testid=move-self-view]");
        page.keyboard().press("Enter");
        assertEquals("bottom-right", page.getAttribute("#own-tile", "data-corner"), "and back");
    }

    /** Tabs through the page: every enabled button is reached, each with an outline of at least 2 px. */
    @SuppressWarnings("unchecked")
    private static void everyControlIsReachedWithTabAndShowsItsFocus(Page page) {
        List<String> controls = (List<String>) page.evaluate("() => [...document.querySelectorAll('button, select, [tabindex]')]"
                + ".filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)"
                + ".map(e => e.dataset.testid || e.id || e.textContent.trim())");
        page.evaluate("() => document.activeElement && document.activeElement.blur()");
        Set<String> reached = new LinkedHashSet<>();
        for (int i = 0; i < controls.size() + 5; i++) {
            page.keyboard().press("Tab");
            Map<String, Object> focused = (Map<String, Object>) page.evaluate("() => { const e = document.activeElement;"
                    + " const s = getComputedStyle(e); return { name: e.dataset.testid || e.id || e.textContent.trim(),"
                    + " tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0 }; }");
            if ("BODY".equals(focused.get("tag"))) continue;
            reached.add((String) focused.get("name"));
            assertTrue(!"none".equals(focused.get("outline")) && ((Number) focused.get("width")).doubleValue() >= 2,
                    "focus is visible on " + focused);
        }
        assertTrue(reached.containsAll(controls), "Tab reaches every control: " + controls + ", reached " + reached);
    }

    /** With prefers-reduced-motion, nothing animates or slides (the movable self-view included). */
    @SuppressWarnings("unchecked")
    private static void nothingMovesWhenMotionIsReduced(Page page) {
        page.emulateMedia(new Page.EmulateMediaOptions().setReducedMotion(ReducedMotion.REDUCE));
        List<String> moving = (List<String>) page.evaluate("() => [...document.querySelectorAll('*')].filter(e => {"
                + " const s = getComputedStyle(e);"
                + " const longest = (v) => Math.max(...v.split(',').map(x => parseFloat(x) || 0));"
                + " return longest(s.transitionDuration) > 0.01 || (s.animationName !== 'none' && longest(s.animationDuration) > 0.01); })"
                + ".map(e => e.tagName + '.' + e.className)");
        page.emulateMedia(new Page.EmulateMediaOptions().setReducedMotion(ReducedMotion.NO_PREFERENCE));
        assertTrue(moving.isEmpty(), "these still move with reduced motion: " + moving);
    }
}
