package se.vardmote.server.browser;

import static se.vardmote.media.testkit.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.TestBooking;
import se.vardmote.server.VardmoteServer;
import se.vardmote.signalling.room.Rooms;

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

    /** Books a visit and returns its seats ({@code participantId}, {@code role}, {@code joinUrl}, ...). */
    static List<JsonNode> bookSeats(boolean lobby, String kind, String... roles) throws Exception {
        return TestBooking.seats(TestBooking.book(server, kind, lobby, roles));
    }

    /** Books a visit without a lobby and returns its join links, one per role. */
    static List<String> book(String kind, String... roles) throws Exception {
        return TestBooking.joinUrls(TestBooking.book(server, kind, false, roles));
    }

    /**
     * How long the server may take to notice what pages did: a closed page's seat is held for the reconnect
     * grace before it counts as gone.
     */
    static final Duration SERVER_NOTICES_WITHIN = Duration.ofSeconds(15).plus(Rooms.DEFAULT_RECONNECT_GRACE);

    /** Polls the server until {@code condition} holds; fails after {@link #SERVER_NOTICES_WITHIN}. */
    static void awaitServer(String what, BooleanSupplier condition) throws InterruptedException {
        eventually(what, SERVER_NOTICES_WITHIN, condition);
    }
}
