package se.vardmote.server.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.VardmoteServer;

/**
 * The server on 127.0.0.1 with embedded defaults and one headless Chromium, started once for a test class's
 * visits and closed after them. A subclass's own {@code @BeforeAll} (a precondition such as a browser or a
 * network namespace) runs after this one; what it aborts is still closed here.
 */
abstract class BrowserVisitFixture {
    @TempDir
    static Path dataDir;
    static VardmoteServer server;
    static Chromium chromium;

    @BeforeAll
    static void startServerAndChromium() throws Exception {
        chromium = Chromium.launch();
        server = VardmoteServer.start(ServerConfig.forTests(dataDir));
    }

    @AfterAll
    static void stopServerAndChromium() {
        if (chromium != null) chromium.close();
        if (server != null) server.close();
    }
}
