package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven by Playwright, with fake camera and microphone, loopback ICE and no
 * background networking (see ../shared/guide/testing.md). When CI=true a missing Chromium fails the
 * test instead of skipping it.
 */
final class Chromium implements AutoCloseable {
    private static final List<Path> EXECUTABLES = List.of(Path.of("/usr/lib/chromium/chromium"), Path.of("/usr/bin/chromium"));

    private final Playwright playwright;
    final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Chromium launch() {
        return launch(List.of());
    }

    /** As {@link #launch()}, with more command-line switches (e.g. a Y4M file as the fake camera). */
    static Chromium launch(List<String> extraArgs) {
        return launch(extraArgs, null);
    }

    /** Chromium's own executable, or null where it is not installed. */
    static Path executable() {
        return EXECUTABLES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * As {@link #launch(List)}, started through {@code wrapper} (a script that runs {@link #executable()}
     * with the arguments it gets, e.g. in another network namespace) when it is not null.
     */
    static Chromium launch(List<String> extraArgs, Path wrapper) {
        Path executable = executable();
        if (executable == null) {
            String message = "Chromium is not installed (apt-get install -y chromium); browser tests cannot run";
            if ("true".equals(System.getenv("CI"))) fail(message);
            Assumptions.abort(message);
        }
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(wrapper != null ? wrapper : executable)
                .setHeadless(true)
                .setArgs(java.util.stream.Stream.concat(java.util.stream.Stream.of(
                        "--use-fake-device-for-media-stream",
                        "--use-fake-ui-for-media-stream",
                        "--allow-loopback-in-peer-connection",
                        "--no-sandbox",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-gpu",
                        "--autoplay-policy=no-user-gesture-required"), extraArgs.stream()).toList()));
        return new Chromium(playwright, browser);
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
