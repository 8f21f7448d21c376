package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * A visit participant in Debian's Firefox ESR, driven by {@code src/test/firefox/firefox-visitor.mjs}
 * (puppeteer-core over WebDriver BiDi; there is no geckodriver here). It prints what it receives once a
 * second; {@link #awaitReceived} polls the latest. When CI=true a missing Firefox, Node or puppeteer-core
 * fails the test instead of skipping it.
 */
final class FirefoxPeer implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/firefox/firefox-visitor.mjs");
    private static final Path CHECK_SCRIPT = Path.of("src/test/firefox/firefox-check.mjs");
    private static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    private final Process process;
    private volatile JsonNode latest;

    private FirefoxPeer(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::read, "firefox-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static void requireFirefox() {
        String missing = !Files.isExecutable(FIREFOX) ? "Firefox ESR (apt-get install -y firefox-esr)"
                : !Files.isDirectory(SCRIPT.getParent().resolve("node_modules/puppeteer-core"))
                ? "puppeteer-core (cd server/src/test/firefox && npm ci)" : null;
        if (missing == null) return;
        String message = missing + " is not installed; Firefox tests cannot run";
        if ("true".equals(System.getenv("CI"))) fail(message);
        Assumptions.abort(message);
    }

    /** {@code node} running {@code args}, with the Firefox drivers' environment: no browser download, nothing past this machine. */
    static ProcessBuilder node(String... args) {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PUPPETEER_SKIP_DOWNLOAD", "1");
        pb.environment().put("MOZ_DISABLE_NONLOCAL_CONNECTIONS", "1");
        pb.redirectErrorStream(true);
        return pb;
    }

    /**
     * Runs the pre-call check at {@code checkUrl} in Firefox (src/test/firefox/firefox-check.mjs), through the
     * server's TURN relay alone when {@code relayOnly}, and returns its report.
     */
    static JsonNode check(String checkUrl, boolean relayOnly) throws IOException, InterruptedException {
        requireFirefox();
        Process p = node(CHECK_SCRIPT.toString(), checkUrl, relayOnly ? "relay" : "all").start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) fail("the Firefox driver did not end");
        String last = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no report from Firefox: " + output));
        return JSON.readTree(last);
    }

    static FirefoxPeer join(String name, String joinUrl, Duration stayFor) throws IOException {
        return join(name, joinUrl, stayFor, "{\"audio\":true,\"video\":{\"width\":320,\"height\":240,\"frameRate\":15}}");
    }

    /** As {@link #join(String, String, Duration)}, the camera asked for {@code constraints} (getUserMedia's, as JSON). */
    static FirefoxPeer join(String name, String joinUrl, Duration stayFor, String constraints) throws IOException {
        requireFirefox();
        return new FirefoxPeer(name, node(SCRIPT.toString(), joinUrl, Long.toString(stayFor.toSeconds()), constraints).start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("{")) {
                    latest = JSON.readTree(line);
                } else {
                    System.out.println("[" + name + " firefox] " + line);
                }
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    /** Firefox's latest report of what it receives (totals since it joined), or null before the first. */
    JsonNode latest() {
        return latest;
    }

    /** Polls what Firefox receives until {@code condition} holds; fails with the last report after {@code timeout}. */
    JsonNode awaitReceived(String what, Duration timeout, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode now = latest;
            if (now != null && condition.test(now)) return now;
            if (!process.isAlive() && latest == now) break;
            Thread.sleep(250);
        }
        throw new AssertionError(name + " (Firefox): " + what + " did not happen within " + timeout.toSeconds()
                + " s; last report: " + latest + (process.isAlive() ? "" : ", and the driver exited"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
