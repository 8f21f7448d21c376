package se.vardmote.signalling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.protocol.LiveRoomsFixture.Client;
import se.vardmote.signalling.room.AuditSink;
import se.vardmote.signalling.room.JoinWindow;

class ClientSessionTest {
    @TempDir
    Path dir;
    private LiveRoomsFixture live;
    private Rooms rooms;

    @BeforeEach
    void setUp() throws Exception {
        live = new LiveRoomsFixture(dir, JoinWindow.ALWAYS, AuditSink.NONE);
        rooms = live.rooms;
    }

    @AfterEach
    void tearDown() {
        live.close();
    }

    /** Books a meeting without a lobby; returns one join token per seat. */
    private List<String> book(String kind, String... roles) throws Exception {
        return live.book(kind, false, roles);
    }

    private Client joined(String token) {
        return live.joined(token);
    }

    @Test
    void joinAnswersJoinedWithTheOthersAlreadyPresent() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        assertEquals(0, clinician.last("joined").get("participants").size());
        assertEquals("clinician", clinician.last("joined").get("role").asText());
        Client patient = joined(t.get(1));
        JsonNode others = patient.last("joined").get("participants");
        assertEquals(1, others.size());
        assertEquals("clinician", others.get(0).get("role").asText());
        assertEquals("patient", clinician.last("participantJoined").get("participant").get("role").asText());
        assertEquals(2, rooms.participantCount());
        assertEquals(1, rooms.roomCount());
    }

    @Test
    void refusesThirdParticipantInTwoPartyRoom() throws Exception {
        List<String> t = live.bookTwoPartyAsStoredBefore(false, "clinician", "patient", "guardian");
        joined(t.get(0));
        joined(t.get(1));
        Client third = live.client();
        ObjectNode join = LiveRoomsFixture.msg("join");
        join.put("token", t.get(2));
        third.send(join);
        assertEquals("room_full", third.last("error").get("code").asText());
        assertTrue(third.closed);
        assertEquals(2, rooms.participantCount());
    }

    @Test
    void refusesAForgedToken() {
        Client c = live.client();
        ObjectNode join = LiveRoomsFixture.msg("join");
        join.put("token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA");
        c.send(join);
        assertEquals("invalid_token", c.last("error").get("code").asText());
        assertTrue(c.closed);
        assertFalse(c.last("error").get("message").asText().contains("eyJ"), "the token is never echoed");
    }

    @Test
    void refusesJoinsFromAnAddressAfterTwentyBadTokensInAMinute() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Object guesser = "192.0.2.66";
        for (int i = 0; i < ClientSession.MAX_INVALID_JOINS; i++) {
            Client c = live.client(guesser);
            ObjectNode join = LiveRoomsFixture.msg("join");
            join.put("token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAA" + i);
            c.send(join);
            assertEquals("invalid_token", c.lastError(), "guess " + i);
        }
        live.nanos.addAndGet(java.time.Duration.ofSeconds(45).toNanos());

        // Even a valid link is refused from that address now: the token is not looked at.
        Client refused = live.client(guesser);
        ObjectNode join = LiveRoomsFixture.msg("join");
        join.put("token", t.get(0));
        refused.send(join);
        assertEquals("too_many_attempts", refused.lastError());
        assertTrue(refused.last("error").get("message").asText().contains("wait 15 s"), refused.received.toString());
        assertTrue(refused.closed);
        assertEquals(0, rooms.participantCount());

        Client elsewhere = live.client("192.0.2.67");
        elsewhere.send(join);
        assertEquals("joined", elsewhere.lastMessage().get("type").asText(), "another address is not affected");

        live.nanos.addAndGet(java.time.Duration.ofSeconds(15).toNanos());
        Client later = live.client(guesser);
        ObjectNode patient = LiveRoomsFixture.msg("join");
        patient.put("token", t.get(1));
        later.send(patient);
        assertEquals("joined", later.lastMessage().get("type").asText(), "a minute after the first guess the address may join");
        assertEquals(ClientSession.MAX_INVALID_JOINS, live.invalidJoins.recordedCount());
        assertEquals(1, live.invalidJoins.refusedCount());
    }

    @Test
    void malformedAndUnknownMessagesGetAnErrorAndTheConnectionSurvives() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client c = joined(t.get(0));
        c.session.onMessage("{not json");
        assertEquals("bad_message", c.last("error").get("code").asText());
        c.session.onMessage("[1,2]");
        assertEquals("bad_message", c.last("error").get("code").asText());
        c.send(LiveRoomsFixture.msg("selfDestruct"));
        assertEquals("unknown_type", c.last("error").get("code").asText());
        ObjectNode chat = LiveRoomsFixture.msg("chat");
        chat.put("text", "hej");
        c.send(chat);
        assertEquals("unknown_type", c.last("error").get("code").asText());
        c.session.onMessage("x".repeat(70_000));
        assertEquals("message_too_large", c.last("error").get("code").asText());
        c.send(LiveRoomsFixture.msg("publish"));
        assertEquals("bad_message", c.last("error").get("code").asText());
        assertFalse(c.closed);
        c.send(LiveRoomsFixture.msg("ping"));
        assertEquals("pong", c.received.get(c.received.size() - 1).path("type").asText());
        assertEquals(1, rooms.participantCount());
    }

    @Test
    void messagesBeforeJoinAreRefused() {
        Client c = live.client();
        c.send(LiveRoomsFixture.msg("publish"));
        assertEquals("not_joined", c.last("error").get("code").asText());
        assertFalse(c.closed);
    }

    /** {@code client} publishes Chromium's offer (microphone and camera). */
    private static void publishChromiumOffer(Client client) throws Exception {
        ObjectNode publish = LiveRoomsFixture.msg("publish");
        publish.put("sdp", LiveRoomsFixture.chromiumOffer());
        client.send(publish);
    }

    @Test
    void publishingOffersTheStreamsToTheOthers() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        publishChromiumOffer(clinician);
        String answer = clinician.last("publishAnswer").get("sdp").asText();
        assertTrue(answer.contains("a=setup:passive"));
        assertFalse(answer.contains("m=application"));
        JsonNode offer = patient.last("subscribeOffer");
        assertEquals(2, offer.get("tracks").size());
        assertEquals(clinician.last("joined").get("participantId").asText(), offer.get("tracks").get(0).get("participantId").asText());
        assertTrue(offer.get("sdp").asText().contains("a=sendonly"));
    }

    @Test
    void aSubscriberSaysHowLargeItShowsEachPictureAndBadSizesAreRefused() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        publishChromiumOffer(clinician);
        String videoMid = null;
        for (JsonNode track : patient.last("subscribeOffer").get("tracks")) {
            if (track.get("kind").asText().equals("video")) videoMid = track.get("mid").asText();
        }
        int before = patient.received.size();
        patient.session.onMessage("{\"type\":\"viewSizes\",\"views\":[{\"mid\":\"" + videoMid
                + "\",\"width\":360,\"height\":270},{\"mid\":\"99\",\"width\":1,\"height\":1}]}");
        assertEquals(before, patient.received.size(), "taken without a reply (an unknown mid is ignored)");

        for (String bad : List.of("{\"type\":\"viewSizes\"}",
                "{\"type\":\"viewSizes\",\"views\":{}}",
                "{\"type\":\"viewSizes\",\"views\":[{\"mid\":\"1\",\"width\":-1,\"height\":10}]}",
                "{\"type\":\"viewSizes\",\"views\":[{\"mid\":\"1\",\"width\":10.5,\"height\":10}]}",
                "{\"type\":\"viewSizes\",\"views\":[{\"mid\":\"1\",\"width\":100000,\"height\":10}]}",
                "{\"type\":\"viewSizes\",\"views\":[{\"width\":10,\"height\":10}]}",
                "{\"type\":\"viewSizes\",\"views\":[" + "{\"mid\":\"1\",\"width\":1,\"height\":1},".repeat(65)
                        + "{\"mid\":\"1\",\"width\":1,\"height\":1}]}")) {
            patient.session.onMessage(bad);
            assertEquals("bad_message", patient.last("error").get("code").asText(), bad);
        }
        assertFalse(patient.closed);
    }

    @Test
    void aBrokenOfferIsRejectedAndTheSessionGoesOn() throws Exception {
        List<String> t = book("group", "clinician");
        Client c = joined(t.get(0));
        ObjectNode publish = LiveRoomsFixture.msg("publish");
        publish.put("sdp", LiveRoomsFixture.chromiumOffer().replace("a=group:BUNDLE 0 1\r\n", "").replace("a=group:BUNDLE 0 1\n", ""));
        c.send(publish);
        assertEquals("sdp_rejected", c.last("error").get("code").asText());
        assertFalse(c.closed);
    }

    @Test
    void leavingFreesTheSeatAndClosesAnEmptyRoom() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client a = joined(t.get(0));
        Client b = joined(t.get(1));
        b.send(LiveRoomsFixture.msg("leave"));
        assertTrue(b.closed);
        assertEquals("left", b.last("left").path("type").asText());
        assertEquals(b.last("joined").get("participantId").asText(), a.last("participantLeft").get("participantId").asText());
        assertEquals(1, rooms.participantCount());
        a.session.onClose();
        assertEquals(1, rooms.roomCount(), "a dropped connection holds its seat for the reconnect grace");
        LiveRoomsFixture.awaitGrace();
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void aDroppedConnectionIsShownReconnectingThenLeftWhenItDoesNotComeBack() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        String patientId = patient.last("joined").get("participantId").asText();
        patient.session.onClose();
        JsonNode updated = clinician.last("participantUpdated").get("participant");
        assertEquals(patientId, updated.get("participantId").asText());
        assertTrue(updated.get("reconnecting").asBoolean(), "the others see reconnecting, not left");
        assertTrue(clinician.received.stream().noneMatch(m -> m.path("type").asText().equals("participantLeft")));
        assertEquals(2, rooms.participantCount());
        LiveRoomsFixture.awaitGrace();
        assertEquals(patientId, clinician.last("participantLeft").get("participantId").asText());
        assertEquals(1, rooms.participantCount());
    }

    @Test
    void rejoiningWithinTheGraceTakesTheHeldSeatAndTheGraceEndsNobody() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        patient.session.onClose();
        Client back = joined(t.get(1));
        assertFalse(back.last("joined").get("participants").get(0).get("reconnecting").asBoolean());
        JsonNode rejoined = clinician.last("participantJoined").get("participant");
        assertFalse(rejoined.get("reconnecting").asBoolean());
        LiveRoomsFixture.awaitGrace();
        assertFalse(back.closed);
        assertEquals(2, rooms.participantCount());
        assertEquals(1, clinician.received.stream().filter(m -> m.path("type").asText().equals("participantLeft")).count(),
                "the old connection's seat went once, when the new one took it; the grace's end changes nothing");
    }

    @Test
    void whileTheDatabaseIsDownAParticipantOfALiveVisitGetsBackInAndOthersAreToldToTryAgain() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        List<String> other = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        live.database.close(); // every query now fails, as with PostgreSQL stopped

        patient.session.onClose(); // the patient's page reloads
        Client back = joined(t.get(1));
        assertEquals(2, rooms.participantCount());
        assertEquals("patient", clinician.last("participantJoined").get("participant").get("role").asText());
        assertFalse(back.closed);

        Client stranger = live.connect(other.get(0));
        assertEquals("database_unavailable", stranger.last("error").get("code").asText());
        assertTrue(stranger.closed);
        assertEquals(0, live.invalidJoins.recordedCount(), "nobody's link was wrong");
        assertEquals(1, rooms.roomCount());
    }

    @Test
    void aRejoinStormLeavesOneSeatAndNoExtraTransports() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        ObjectNode publish = LiveRoomsFixture.msg("publish");
        publish.put("sdp", LiveRoomsFixture.chromiumOffer());
        clinician.send(publish);
        Client patient = joined(t.get(1));
        patient.send(publish);
        Thread.sleep(100); // subscriptions are made on the rooms' loop
        long transports = live.openTransports();
        int subscriptions = live.subscriptions();
        assertEquals(4, subscriptions, "each of the two receives the other's audio and video");
        Client last = patient;
        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) last.session.onClose(); // half drop first, half are replaced while still connected
            last = joined(t.get(1));
            last.send(publish);
        }
        LiveRoomsFixture.awaitGrace();
        Thread.sleep(100); // the fake transports report their close on the rooms' loop
        assertEquals(2, rooms.participantCount());
        assertEquals(1, rooms.roomCount());
        assertEquals(transports, live.openTransports(), "every replaced seat's transports are closed");
        assertEquals(subscriptions, live.subscriptions(), "and its subscriptions are gone; none is doubled");
        assertFalse(last.closed);
        assertFalse(clinician.closed);
    }

    @Test
    void rejoiningTakesTheSeatBackFromAStaleConnection() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        joined(t.get(0));
        Client stale = joined(t.get(1));
        Client fresh = joined(t.get(1));
        assertEquals("replaced", stale.last("error").get("code").asText());
        assertTrue(stale.closed);
        stale.session.onClose();
        assertEquals(2, rooms.participantCount());
        assertFalse(fresh.closed);
    }
}
