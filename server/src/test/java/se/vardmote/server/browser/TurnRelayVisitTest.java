package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import se.vardmote.server.TestBooking;

/**
 * A patient whose browser may use nothing but a TURN relay (iceTransportPolicy 'relay', as on a network
 * that lets neither UDP nor TCP through to the media port) still has the visit: a real coturn relays it,
 * with the credentials the server derived from the shared secret and handed over in {@code joined}.
 */
@Tag("browser")
class TurnRelayVisitTest extends TurnVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);
    @Test
    void aPatientLimitedToTheRelayDecodesTheClinicianThroughCoturnAndIsDecoded() throws Exception {
        List<JsonNode> seats = TestBooking.seats(TestBooking.book(server, "two-party", false, "clinician", "patient"));
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText());
             Visitor patient = new Visitor(chromium.browser, "patient", seats.get(1).get("joinUrl").asText(),
                     Visitor.SMALL_FRAMES, page -> page.addInitScript("window.vardmoteIceTransportPolicy = 'relay';"))) {
            for (Visitor v : List.of(patient, clinician)) {
                v.awaitReceived("the other's video and audio", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 10) == 1 && Visitor.flowing(s, "audios", "packets", 50) == 1);
            }
            assertEquals(Map.of("publish", "relay/udp", "subscribe", "relay/udp"), patient.selectedLocalCandidates(),
                    "both of the patient's connections go through the relay");
            assertEquals(1, ((Number) patient.page.evaluate("() => window.vardmote.iceServers.length")).intValue());
        }
    }
}
