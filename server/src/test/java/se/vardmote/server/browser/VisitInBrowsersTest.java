package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real visits: headless Chromium windows with fake devices join through the web client, and we read
 * what each decodes from getStats(). Everything runs on 127.0.0.1.
 *
 * <p>In the test's private namespace, where loopback is the only network, as a patient's machine has its
 * one network. In the machine's shared namespace Chromium also opens an ICE-TCP port on the Ethernet
 * network, and Linux lets that port's socket reach 127.0.0.1; Chromium ranks network cost before candidate
 * priority and rates loopback's adapter as unknown (dearer than Ethernet), so it would sometimes choose that
 * TCP pair over the loopback UDP one, which no real network produces.
 */
@Tag("browser")
@Tag("private-network")
class VisitInBrowsersTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    @BeforeAll
    static void requirePrivateNamespace() {
        Impairment.requirePrivateNamespace();
    }


    @Test
    void twoPartyVisitorsDecodeEachOthersVideoAndHearEachOther() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1))) {
            for (Visitor v : List.of(clinician, patient)) {
                Map<String, Object> first = v.awaitReceived("decoding the other's video and audio", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 10) == 1 && Visitor.flowing(s, "audios", "packets", 50) == 1);
                assertEquals("connected", first.get("dtlsState"), v.name + " DTLS state");
                assertTrue(first.get("srtpCipher") != null, v.name + " negotiated an SRTP cipher");
                double frames = Visitor.total(first, "videos", "frames");
                v.awaitReceived("frames still rising", MEDIA_TIMEOUT, s -> Visitor.total(s, "videos", "frames") > frames + 10);
                v.awaitReceived("audio with energy (the fake microphone beeps)", MEDIA_TIMEOUT,
                        s -> Visitor.total(s, "audios", "energy") > 0);
                assertEquals(1, Visitor.tiles(v.received()), v.name + " shows one remote tile");
                // Where UDP works, both connections must use it: ICE-TCP would add head-of-line blocking under loss.
                Map<String, Object> paths = v.selectedLocalCandidates();
                System.out.printf("[paths] %s: %s%n", v.name, paths);
                assertEquals(Map.of("publish", "host/udp", "subscribe", "host/udp"), paths, v.name + "'s chosen paths");
            }
        }
        awaitServer("the room to close after both left", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void everyoneInAGroupOfFourReceivesTheOtherThree() throws Exception {
        List<String> links = book("group", "clinician", "patient", "guardian", "interpreter");
        List<Visitor> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < links.size(); i++) visitors.add(new Visitor(chromium.browser, "visitor" + i, links.get(i)));
            // The interpreter (the last) joins audio-only: the others decode two videos, it decodes three.
            for (Visitor v : visitors) {
                int videos = v == visitors.get(3) ? 3 : 2;
                v.awaitReceived(videos + " videos decoding and three audio streams", Duration.ofSeconds(90),
                        s -> Visitor.flowing(s, "videos", "frames", 5) == videos && Visitor.flowing(s, "audios", "packets", 25) == 3);
                assertEquals(3, Visitor.tiles(v.received()), v.name + " shows three remote tiles");
            }
            assertEquals(4, server.signalling().participantCount());
        } finally {
            visitors.forEach(Visitor::close);
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** A two-party visit seats two besides interpreters (docs/protocol.md); a third non-interpreter cannot be booked. */
    @Test
    void anInterpreterJoinsATwoPartyVisitBesideTheTwo() throws Exception {
        List<String> links = book("two-party", "clinician", "patient", "interpreter");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1))) {
            clinician.awaitReceived("the patient's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 1) == 1);
            try (Visitor interpreter = new Visitor(chromium.browser, "interpreter", links.get(2))) {
                interpreter.awaitReceived("both videos and both voices", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 5) == 2 && Visitor.flowing(s, "audios", "packets", 25) == 2);
                assertEquals(3, server.signalling().participantCount());
                for (Visitor v : List.of(clinician, patient)) {
                    v.awaitReceived("the interpreter's voice", MEDIA_TIMEOUT, s -> Visitor.tiles(s) == 2
                            && Visitor.flowing(s, "audios", "packets", 25) == 2);
                }
            }
            clinician.awaitReceived("the visit to go on", MEDIA_TIMEOUT, s -> Visitor.tiles(s) == 1);
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** An interpreter starts with the microphone only and may turn the camera on: a sign-language interpreter must be seen. */
    @Test
    void anInterpreterWhoTurnsTheCameraOnIsSeenByTheOthers() throws Exception {
        List<String> links = book("two-party", "clinician", "patient", "interpreter");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES);
             Visitor interpreter = new Visitor(chromium.browser, "interpreter", links.get(2), Visitor.SMALL_FRAMES)) {
            clinician.awaitReceived("the interpreter's voice, no video yet", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "audios", "packets", 25) == 1 && Visitor.flowing(s, "videos", "frames", 1) == 0);
            interpreter.page.waitForSelector("[data-testid=camera]:not([disabled])");
            interpreter.page.click("[data-testid=camera]");
            clinician.awaitReceived("the interpreter's video", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 20) == 1 && Visitor.flowing(s, "audios", "packets", 25) >= 1);
            assertEquals("false", interpreter.page.getAttribute("[data-testid=camera]", "aria-pressed"), "the camera is on");
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void whenOneLeavesTheOthersDropTheTileAndTheServerFreesTheSeat() throws Exception {
        List<String> links = book("group", "clinician", "patient", "interpreter");
        try (Visitor a = new Visitor(chromium.browser, "clinician", links.get(0));
             Visitor b = new Visitor(chromium.browser, "patient", links.get(1));
             Visitor c = new Visitor(chromium.browser, "interpreter", links.get(2))) {
            // c, the interpreter, joins audio-only: it decodes two videos, a and b one each, and all hear two.
            for (Visitor v : List.of(a, b, c)) {
                int videos = v == c ? 2 : 1;
                v.awaitReceived("two remote tiles, " + videos + " with video", MEDIA_TIMEOUT,
                        s -> Visitor.tiles(s) == 2 && Visitor.flowing(s, "videos", "frames", 1) == videos
                                && Visitor.flowing(s, "audios", "packets", 1) == 2);
            }
            int before = server.signalling().participantCount();
            c.page.click("[data-testid=leave]");
            for (Visitor v : List.of(a, b)) v.awaitReceived("the tile of the one who left to go", MEDIA_TIMEOUT, s -> Visitor.tiles(s) == 1);
            awaitServer("the seat to be freed", () -> server.signalling().participantCount() == before - 1);
            assertEquals(1, server.signalling().roomCount());
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void aPatientInTheLobbyWaitsReceivesNothingAndDecodesTheClinicianOnceAdmitted() throws Exception {
        List<JsonNode> seats = bookSeats(true, "two-party", "clinician", "patient");
        String patientId = seats.get(1).get("participantId").asText();
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText())) {
            clinician.awaitState("joined", MEDIA_TIMEOUT);
            try (Visitor patient = new Visitor(chromium.browser, "patient", seats.get(1).get("joinUrl").asText())) {
                patient.awaitState("waiting", MEDIA_TIMEOUT);
                String admit = "[data-testid=admit][data-participant-id='" + patientId + "']";
                clinician.page.waitForSelector(admit);
                // The clinician is told without looking: a chime, and the tab's title counts who waits.
                assertEquals(1, ((Number) clinician.page.evaluate("() => window.vardmote.chimes")).intValue(), "one chime");
                assertTrue(clinician.page.title().startsWith("(1) "), "the title counts one waiting: " + clinician.page.title());
                // The clinician publishes all along; give anything that leaked a few seconds to show.
                patient.page.waitForTimeout(3000);
                Map<String, Object> waiting = patient.received();
                assertEquals(List.of(), waiting.get("videos"), "a waiting patient receives no video");
                assertEquals(List.of(), waiting.get("audios"), "a waiting patient receives no audio");
                assertEquals(0, Visitor.tiles(waiting), "a waiting patient sees nobody");
                assertEquals(Boolean.TRUE, patient.page.evaluate(
                        "() => window.vardmote.subscribePc === null && window.vardmote.publishPc === null"
                                + " && Object.keys(window.vardmote.participants).length === 0"),
                        "a waiting patient has no peer connection and knows nobody");
                assertEquals("waiting", patient.state());
                assertEquals(1, server.signalling().waitingCount());

                clinician.page.click(admit);
                patient.awaitState("joined", MEDIA_TIMEOUT);
                for (Visitor v : List.of(clinician, patient)) {
                    v.awaitReceived("decoding the other's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
                }
                assertEquals(0, ((Number) clinician.page.evaluate("() => window.vardmote.lobby.length")).intValue());
                assertEquals(0, clinician.page.locator("[data-testid=admit]").count(), "the lobby list is empty again");
                assertFalse(clinician.page.title().startsWith("("), "nobody waits: " + clinician.page.title());
            }
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    @Test
    void aPatientWhosePageIsClosedAndReopenedTakesItsSeatBackWithoutWaitingAgain() throws Exception {
        List<JsonNode> seats = bookSeats(true, "two-party", "clinician", "patient");
        String patientLink = seats.get(1).get("joinUrl").asText();
        String patientId = seats.get(1).get("participantId").asText();
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", seats.get(0).get("joinUrl").asText())) {
            clinician.awaitState("joined", MEDIA_TIMEOUT);
            try (Visitor patient = new Visitor(chromium.browser, "patient", patientLink)) {
                patient.awaitState("waiting", MEDIA_TIMEOUT);
                clinician.page.click("[data-testid=admit][data-participant-id='" + patientId + "']");
                patient.awaitReceived("the clinician's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
                clinician.awaitReceived("the patient's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            } // the page closes: its connection goes, perhaps not yet noticed by the server
            try (Visitor again = new Visitor(chromium.browser, "patient again", patientLink)) {
                // Nobody admits this time: reaching "joined" at all proves it did not wait in the lobby.
                again.awaitState("joined", MEDIA_TIMEOUT);
                again.awaitReceived("the clinician's video again", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
                double before = Visitor.total(clinician.received(), "videos", "frames");
                clinician.awaitReceived("the returning patient's video", MEDIA_TIMEOUT,
                        s -> Visitor.tiles(s) == 1 && Visitor.total(s, "videos", "frames") > before + 20);
                awaitServer("both seated, nobody waiting", () -> server.signalling().participantCount() == 2
                        && server.signalling().waitingCount() == 0);
            }
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }
}
