package se.vardmote.server.browser;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Firefox ESR for a test's pages ({@code src/test/firefox/firefox-browser.mjs}, puppeteer-core over WebDriver
 * BiDi), steered one command at a time, so that a whole visit runs in one launch. Each {@link FirefoxPage} is a
 * window of its own with its own storage. Pages are audited with the same axe-core that the Chromium tests use
 * (the copy inside Deque's Playwright jar). Owned by the test's thread; not thread-safe.
 */
final class FirefoxBrowser implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/firefox/firefox-browser.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest one command may take: opening a window, or axe on a busy page. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path axe;
    private final OutputStream commands;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private long nextId;

    private FirefoxBrowser(Process process, Path axe) {
        this.process = process;
        this.axe = axe;
        this.commands = process.getOutputStream();
        Thread reader = new Thread(this::read, "firefox-browser");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts Firefox; a missing Firefox, Node or puppeteer-core skips the test, or fails it when CI=true. */
    static FirefoxBrowser launch() throws IOException {
        return launch(false);
    }

    /** As {@link #launch()}, with the pages seeing {@code prefers-color-scheme: dark} when {@code dark}. */
    static FirefoxBrowser launch(boolean dark) throws IOException {
        FirefoxPeer.requireFirefox();
        Path axe = Files.createTempFile("axe", ".min.js");
        try (InputStream in = AxeBuilder.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) throw new IOException("axe.min.js is not in Deque's axe-core Playwright jar");
            Files.copy(in, axe, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder pb = FirefoxPeer.node(SCRIPT.toString(), axe.toString());
        pb.environment().put("VARDMOTE_COLOR_SCHEME", dark ? "dark" : "light");
        return new FirefoxBrowser(pb.start(), axe);
    }

    /**
     * Opens {@code url} in a new window, in {@code lang} (as if chosen on this device before), with the fake camera
     * at 320×240; {@code skipCheck} goes straight into a visit, past the pre-call check.
     */
    FirefoxPage open(String name, String url, String lang, boolean skipCheck) {
        ObjectNode command = JSON.createObjectNode().put("op", "open").put("page", name).put("url", url)
                .put("lang", lang).put("skipCheck", skipCheck);
        send(command);
        return new FirefoxPage(this, name);
    }

    /** Sends {@code command} (its {@code op} and arguments) and returns the answer's value; fails on an error. */
    JsonNode send(ObjectNode command) {
        long id = ++nextId;
        command.put("id", id);
        try {
            commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
            while (true) {
                JsonNode answer = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (answer == null) {
                    throw new AssertionError("Firefox did not answer " + command.get("op") + " within "
                            + COMMAND_TIMEOUT.toSeconds() + " s" + (process.isAlive() ? "" : "; the driver exited"));
                }
                if (answer.path("id").asLong() != id) continue; // the late answer to a command that timed out
                if (!answer.path("ok").asBoolean()) {
                    throw new AssertionError("Firefox: " + command.get("op") + " on " + command.get("page") + " failed: "
                            + answer.path("error").asText());
                }
                return answer.get("value");
            }
        } catch (IOException e) {
            throw new AssertionError("the Firefox driver is gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while Firefox ran " + command.get("op"), e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("{\"id\"")) {
                    answers.add(JSON.readTree(line));
                } else {
                    System.out.println("[firefox] " + line);
                }
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    @Override
    public void close() throws IOException {
        try {
            try {
                commands.close(); // the script closes Firefox when its input ends
            } catch (IOException gone) {
                // the driver has exited already
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(axe);
        }
    }
}
