package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import se.vardmote.server.TestBooking;

/**
 * The strictest network: no UDP at all and no TCP to the media server, only TCP to a TURN server. With the
 * browsers' default policy (nothing forced), ICE finds the only way left — a TURN allocation over TCP to a
 * real coturn, relayed to the server — and the visit runs. Runs in a private network namespace
 * (tag "impaired", see {@link Impairment}).
 */
@Tag("impaired")
class TurnOverTcpVisitTest extends TurnVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
    }

    @Test
    void withUdpAndTheMediaTcpPortBlockedTheVisitGoesThroughTurnOverTcp() throws Exception {
        try (Impairment strict = Impairment.onlyTurnOverTcp(Coturn.RELAY_ADDRESS, server.mediaTcpPorts())) {
            List<JsonNode> seats = TestBooking.seats(TestBooking.book(server, "two-party", false, "clinician", "patient"));
            long start = System.nanoTime();
            try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText(), Visitor.SMALL_FRAMES);
                 Visitor patient = new Visitor(chromium.browser, "patient", seats.get(1).get("joinUrl").asText(), Visitor.SMALL_FRAMES)) {
                Visitor.awaitEachOthersMedia(List.of(clinician, patient), "through the relay", MEDIA_TIMEOUT);
                System.out.printf("[impaired] only TURN over TCP: both sides decoding %d ms after the pages opened%n",
                        (System.nanoTime() - start) / 1_000_000);
                for (Visitor v : List.of(clinician, patient)) {
                    Map<String, Object> selected = v.selectedLocalCandidates();
                    assertTrue(selected.size() == 2 && selected.values().stream().allMatch(c -> String.valueOf(c).startsWith("relay/")),
                            v.name + "'s connections both go through the relay: " + selected);
                }
                assertTrue(strict.dropped() > 0, "the browsers did try the direct ways first");
            }
        }
    }
}
