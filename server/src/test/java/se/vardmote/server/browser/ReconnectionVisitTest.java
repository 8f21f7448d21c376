package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.room.Rooms;

/**
 * A visit survives what real pages meet: a reload in the middle of it and a signalling connection that
 * drops (a proxy's idle timeout, a reset). Both come back to the same seat by themselves, without the lobby.
 */
@Tag("browser")
class ReconnectionVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** The issue's bounds: back in the visit within 10 s of a reload, reconnected within 5 s of a drop. */
    private static final Duration RELOAD_BACK_IN = Duration.ofSeconds(10);
    private static final Duration RECONNECTED_WITHIN = Duration.ofSeconds(5);

    @Test
    void aReloadedPatientIsBackInTheVisitWithoutTheLobbyAndDecodesTheClinician() throws Exception {
        List<JsonNode> seats = bookSeats(true, "two-party", "clinician", "patient");
        String patientId = seats.get(1).get("participantId").asText();
        List<String> receivedTypes = new CopyOnWriteArrayList<>();
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText());
             Visitor patient = new Visitor(chromium.browser, "patient", seats.get(1).get("joinUrl").asText(),
                     Visitor.SMALL_FRAMES, page -> recordMessageTypes(page, receivedTypes))) {
            clinician.awaitState("joined", MEDIA_TIMEOUT);
            patient.awaitState("waiting", MEDIA_TIMEOUT);
            clinician.page.click("[data-testid=admit][data-participant-id='" + patientId + "']");
            patient.awaitReceived("the clinician's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            assertFalse(patient.page.url().contains("#"), "the token is not in the address bar");

            receivedTypes.clear();
            patient.page.reload();
            patient.awaitReceived("the clinician's video after the reload", RELOAD_BACK_IN,
                    s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            assertEquals("joined", patient.state());
            assertTrue(receivedTypes.contains("joined"), "joined again: " + receivedTypes);
            assertFalse(receivedTypes.contains("waiting"), "no lobby on the way back: " + receivedTypes);
            assertFalse(patient.page.url().contains("#"), "the token is still not in the address bar");

            double before = Visitor.total(clinician.received(), "videos", "frames");
            clinician.awaitReceived("the reloaded patient's video", MEDIA_TIMEOUT,
                    s -> Visitor.tiles(s) == 1 && Visitor.total(s, "videos", "frames") > before + 20);
            awaitServer("both seated once, nobody waiting", () -> server.signalling().participantCount() == 2
                    && server.signalling().waitingCount() == 0);
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void aDroppedSignallingConnectionReconnectsByItselfToTheSameSeat() throws Exception {
        List<JsonNode> seats = bookSeats(true, "two-party", "clinician", "patient");
        String patientId = seats.get(1).get("participantId").asText();
        AtomicReference<WebSocketRoute> patientSocket = new AtomicReference<>();
        List<String> receivedTypes = new CopyOnWriteArrayList<>();
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText());
             Visitor patient = new Visitor(chromium.browser, "patient", seats.get(1).get("joinUrl").asText(),
                     Visitor.SMALL_FRAMES, page -> {
                         // Every connection the page opens goes through the test, which can cut it.
                         page.routeWebSocket("**/ws", route -> {
                             patientSocket.set(route);
                             WebSocketRoute toServer = route.connectToServer();
                             toServer.onMessage(message -> {
                                 if (message.text() != null) receivedTypes.add(typeOf(message.text()));
                                 route.send(message.text());
                             });
                         });
                     })) {
            clinician.awaitState("joined", MEDIA_TIMEOUT);
            patient.awaitState("waiting", MEDIA_TIMEOUT);
            clinician.page.click("[data-testid=admit][data-participant-id='" + patientId + "']");
            patient.awaitReceived("the clinician's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);

            WebSocketRoute first = patientSocket.get();
            receivedTypes.clear();
            first.close(new WebSocketRoute.CloseOptions().setCode(4000).setReason("cut by the test"));
            patient.page.waitForFunction("() => window.vardmote.reconnects >= 1 && window.vardmote.state === 'joined'", null,
                    new Page.WaitForFunctionOptions().setTimeout(RECONNECTED_WITHIN.toMillis()).setPollingInterval(50));
            assertTrue(patientSocket.get() != first, "a new connection was opened");
            assertFalse(receivedTypes.contains("waiting"), "no lobby on the way back: " + receivedTypes);
            assertEquals(1, ((Number) patient.page.evaluate("() => window.vardmote.reconnects")).intValue());
            patient.awaitReceived("the clinician's video again", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            double before = Visitor.total(clinician.received(), "videos", "frames");
            clinician.awaitReceived("the patient's video again", MEDIA_TIMEOUT,
                    s -> Visitor.tiles(s) == 1 && Visitor.total(s, "videos", "frames") > before + 20);
            awaitServer("both seated once, nobody waiting", () -> server.signalling().participantCount() == 2
                    && server.signalling().waitingCount() == 0);
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void theOthersSeeAClosedPageAsReconnectingForTheGraceThenAsGone() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0))) {
            Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES);
            clinician.awaitReceived("the patient's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            long closedAt = System.nanoTime();
            patient.close(); // the tab is gone without "leave": as a crash, a lost network or a closed lid
            clinician.page.waitForSelector("[data-testid=reconnecting]",
                    new Page.WaitForSelectorOptions().setTimeout(RECONNECTED_WITHIN.toMillis()));
            long shownAfter = (System.nanoTime() - closedAt) / 1_000_000;
            assertEquals(2, server.signalling().participantCount(), "the seat is held meanwhile");
            clinician.page.waitForSelector("figure[data-tile-for]", new Page.WaitForSelectorOptions()
                    .setState(com.microsoft.playwright.options.WaitForSelectorState.DETACHED)
                    .setTimeout(Rooms.DEFAULT_RECONNECT_GRACE.plusSeconds(5).toMillis()));
            long goneAfter = (System.nanoTime() - closedAt) / 1_000_000;
            System.out.printf("[reconnection] closed page: shown reconnecting after %d ms, gone after %d ms%n", shownAfter, goneAfter);
            assertTrue(goneAfter >= Rooms.DEFAULT_RECONNECT_GRACE.toMillis(), "not gone before the grace: " + goneAfter + " ms");
            assertEquals(1, server.signalling().participantCount());
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** Records the type of every signalling message the page receives. */
    private static void recordMessageTypes(Page page, List<String> types) {
        page.onWebSocket(socket -> socket.onFrameReceived(frame -> {
            if (frame.text() != null) types.add(typeOf(frame.text()));
        }));
    }

    private static String typeOf(String message) {
        try {
            return JSON.readTree(message).path("type").asText();
        } catch (java.io.IOException e) {
            return "unreadable";
        }
    }
}
