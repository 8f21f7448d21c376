package se.vardmote.server.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.VardmoteServer;

/**
 * A real coturn, the server configured with it (its URLs and shared secret) and one headless Chromium,
 * started once for a test class and closed after it. A subclass's own {@code @BeforeAll} (a network
 * namespace, say) runs after this one; what it aborts is still closed here.
 */
abstract class TurnVisitFixture {
    @TempDir static Path dir;
    static Coturn coturn;
    static Chromium chromium;
    static VardmoteServer server;

    @BeforeAll
    static void startCoturnServerAndChromium() throws Exception {
        coturn = Coturn.start(dir);
        chromium = Chromium.launch();
        server = VardmoteServer.start(ServerConfig.forTests(dir.resolve("data")).withTurn(coturn.servers()));
    }

    @AfterAll
    static void stopCoturnServerAndChromium() {
        if (chromium != null) chromium.close();
        if (server != null) server.close();
        if (coturn != null) coturn.close();
    }
}
