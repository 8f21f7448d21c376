package se.vardmote.server.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One browser window showing the pre-call check: {@code /check}, or a join link before Join is pressed. Unlike
 * {@link Visitor} it does not skip the check. Every console error and uncaught exception of the page is kept,
 * so a test can insist there were none.
 */
final class PrecallPage implements AutoCloseable {
    private final BrowserContext context;
    final Page page;
    final List<String> errors = new CopyOnWriteArrayList<>();

    PrecallPage(Browser browser, String url, Browser.NewContextOptions device) {
        this(browser, url, device, Visitor.SMALL_FRAMES);
    }

    PrecallPage(Browser browser, String url, Browser.NewContextOptions device, String constraints) {
        this(browser, url, device, constraints, page -> { });
    }

    /** A check whose page is first handed to {@code beforeOpen} (to add an init script, say). */
    PrecallPage(Browser browser, String url, Browser.NewContextOptions device, String constraints,
                java.util.function.Consumer<Page> beforeOpen) {
        this.context = browser.newContext(device.setPermissions(List.of("camera", "microphone")));
        this.page = context.newPage();
        page.addInitScript("window.vardmoteMediaConstraints = " + constraints + ";");
        beforeOpen.accept(page);
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) errors.add("console: " + m.text());
        });
        page.onPageError(e -> errors.add("uncaught: " + e));
        page.navigate(url);
        page.waitForSelector("[data-testid=precall]:not([hidden])");
    }

    /** data-verdict of {@code testId} once it is no longer {@code checking}; fails after {@code timeout}. */
    String awaitVerdict(String testId, Duration timeout) {
        return awaitVerdict(testId, timeout, "checking");
    }

    /** data-verdict of {@code testId} once it is no longer {@code pending}; fails after {@code timeout}. */
    String awaitVerdict(String testId, Duration timeout, String pending) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String verdict = null;
        while (System.nanoTime() < deadline) {
            verdict = page.getAttribute("[data-testid=" + testId + "]", "data-verdict");
            if (verdict != null && !pending.equals(verdict)) return verdict;
            page.waitForTimeout(100);
        }
        throw new AssertionError(testId + " still " + verdict + " after " + timeout.toSeconds() + " s");
    }

    /** The light check's last measurement: {verdict, mean, centre, edge, samples}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> light() {
        return (Map<String, Object>) page.evaluate("() => ({ ...window.vardmotePrecall.current.state.light })");
    }

    /** The light verdict once {@code samples} frames have been measured (two agreeing ones settle a verdict). */
    Map<String, Object> awaitLight(int samples, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> light = light();
        while (System.nanoTime() < deadline) {
            light = light();
            if (((Number) light.get("samples")).intValue() >= samples && !"checking".equals(light.get("verdict"))) return light;
            page.waitForTimeout(100);
        }
        throw new AssertionError("the light check did not settle within " + timeout.toSeconds() + " s: " + light);
    }

    /** The microphone meter's data-level, sampled every 100 ms for {@code duration}. */
    List<Double> micLevels(Duration duration) {
        List<Double> levels = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            levels.add(Double.parseDouble(page.getAttribute("[data-testid=mic-level]", "data-level")));
            page.waitForTimeout(100);
        }
        return levels;
    }

    String text(String testId) {
        return page.textContent("[data-testid=" + testId + "]").trim();
    }

    @Override
    public void close() {
        context.close();
    }
}
