package se.vardmote.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * One window of the web client in a {@link FirefoxBrowser}: what a test reads from it, clicks in it, and what
 * axe-core finds in it. Closing it closes its window and forgets its storage.
 */
final class FirefoxPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FirefoxBrowser browser;
    final String name;

    FirefoxPage(FirefoxBrowser browser, String name) {
        this.browser = browser;
        this.name = name;
    }

    private ObjectNode command(String op) {
        return JSON.createObjectNode().put("op", op).put("page", name);
    }

    /** The value of {@code function} (a JavaScript function's source, may be async) run in the page. */
    JsonNode evaluate(String function) {
        return browser.send(command("evaluate").put("fn", function));
    }

    void click(String selector) {
        browser.send(command("click").put("selector", selector));
    }

    /** Resizes the window's viewport (CSS pixels). */
    void viewport(int width, int height) {
        browser.send(command("viewport").put("width", width).put("height", height));
    }

    /**
     * axe-core with the WCAG 2.1 AA tags: {@code violations} ({@code id}, {@code impact}, {@code targets}),
     * {@code passes} (the number of rules passed), {@code incomplete} (the ids of rules to review by hand),
     * {@code documentLang}, {@code viewport} ({@code "<width>x<height>"}, CSS pixels) and {@code errors}: the
     * page's uncaught errors so far.
     */
    JsonNode audit() {
        return browser.send(command("audit"));
    }

    /** {@code window.vardmote.state} on a join page (null before the client runs, and on /check). */
    String state() {
        JsonNode state = evaluate("() => window.vardmote ? window.vardmote.state : null");
        return state == null || state.isNull() ? null : state.asText();
    }

    /** Polls {@code function} until it returns something truthy, and returns that; fails after {@code timeout}. */
    JsonNode await(String what, String function, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode value = null;
        while (System.nanoTime() < deadline) {
            value = evaluate(function);
            if (truthy(value)) return value;
            Thread.sleep(100);
        }
        throw new AssertionError(name + " (Firefox): " + what + " did not happen within " + timeout.toSeconds()
                + " s; last " + value + ", state " + state() + ", last error "
                + evaluate("() => JSON.stringify(window.vardmote && window.vardmote.lastError)"));
    }

    /** Polls until the page's state is {@code expected}. */
    void awaitState(String expected, Duration timeout) throws InterruptedException {
        await("state " + expected, "() => window.vardmote && window.vardmote.state === '" + expected + "'", timeout);
    }

    private static boolean truthy(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) return false;
        if (value.isBoolean()) return value.asBoolean();
        if (value.isNumber()) return value.asDouble() != 0;
        if (value.isTextual()) return !value.asText().isEmpty();
        return true;
    }

    @Override
    public void close() {
        browser.send(command("close"));
    }
}
