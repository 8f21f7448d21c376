package se.vardmote.server.browser;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One page of the web client in Firefox ESR ({@code src/test/firefox/firefox-page.mjs}, puppeteer-core over
 * WebDriver BiDi), audited with the same axe-core that the Chromium tests use (the copy inside Deque's
 * Playwright jar): what it found, as the script's one JSON line.
 */
final class FirefoxPage {
    private static final Path SCRIPT = Path.of("src/test/firefox/firefox-page.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FirefoxPage() {
    }

    /** Opens {@code url} in {@code lang}, waits for {@code screen} ({@code check} or {@code visit}) and audits it. */
    static JsonNode audit(String url, String lang, String screen, Duration timeout) throws Exception {
        FirefoxPeer.requireFirefox();
        Path axe = Files.createTempFile("axe", ".min.js");
        try (InputStream in = AxeBuilder.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) throw new IOException("axe.min.js is not in Deque's axe-core Playwright jar");
            Files.copy(in, axe, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString(), url, axe.toString(), lang, screen);
        pb.environment().put("PUPPETEER_SKIP_DOWNLOAD", "1");
        pb.environment().put("MOZ_DISABLE_NONLOCAL_CONNECTIONS", "1");
        pb.redirectErrorStream(true);
        Process process = pb.start();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("Firefox did not finish " + screen + " within " + timeout.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : output.split("\n")) {
                if (line.startsWith("{")) return JSON.readTree(line);
            }
            throw new AssertionError("Firefox printed no result for " + screen + ":\n" + output);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(axe);
        }
    }
}
