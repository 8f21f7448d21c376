package se.vardmote.signalling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.meeting.AuditAction;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.room.JoinRefused;
import se.vardmote.signalling.room.Room;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.protocol.LiveRoomsFixture.Client;

/**
 * The live side of issue 3 at the protocol level: the lobby, what each role may do, rejoin, ending,
 * cancellation, the join window and the audit trail. Real rooms and routers over fake transports.
 */
class ClientSessionLobbyAndRolesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One audit event as the room wrote it. */
    record Audited(String meetingId, String participantId, Role role, AuditAction action, String detail) {
    }

    @TempDir
    Path dir;
    private LiveRoomsFixture live;
    private MeetingService meetings;
    private Rooms rooms;
    private final List<Audited> audit = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    @BeforeEach
    void setUp() throws Exception {
        live = new LiveRoomsFixture(dir, (meeting, now) -> open,
                (meetingId, participantId, role, action, detail) -> audit.add(new Audited(meetingId, participantId, role, action, detail)));
        meetings = live.meetings;
        rooms = live.rooms;
    }

    @AfterEach
    void tearDown() {
        live.close();
    }

    private List<String> book(String kind, boolean lobby, String... roles) throws Exception {
        return live.book(kind, lobby, roles);
    }

    private List<String> book(Instant startsAt, String kind, boolean lobby, String... roles) throws Exception {
        return live.book(startsAt, kind, lobby, roles);
    }

    private String participantId(int seat) {
        return live.lastBooked.participants().get(seat).participantId();
    }

    private Client connect(String token) {
        return live.connect(token);
    }

    private Client joined(String token) {
        return live.joined(token);
    }

    private Client waiting(String token) {
        Client c = connect(token);
        assertEquals(List.of("waiting"), c.types(), "a waiting participant hears only \"waiting\"");
        return c;
    }

    /** Chromium's offer with its video section cut off: what an audio-only interpreter sends. */
    private static String audioOnlyOffer() throws Exception {
        String sdp = LiveRoomsFixture.chromiumOffer();
        return sdp.substring(0, sdp.indexOf("m=video")).replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
    }

    private static void publish(Client c, String sdp) {
        ObjectNode publish = LiveRoomsFixture.msg("publish");
        publish.put("sdp", sdp);
        c.send(publish);
    }

    private List<AuditAction> actionsOf(String participantId) {
        List<AuditAction> out = new ArrayList<>();
        for (Audited a : audit) if (participantId.equals(a.participantId())) out.add(a.action());
        return out;
    }

    private Audited lastAudit(AuditAction action) {
        for (int i = audit.size() - 1; i >= 0; i--) if (audit.get(i).action() == action) return audit.get(i);
        throw new AssertionError("no " + action + " in " + audit);
    }

    // --- the lobby ---

    @Test
    void aPatientWaitsLearnsNothingAndReceivesNoMediaUntilTheClinicianAdmitsIt() throws Exception {
        List<String> t = book("two-party", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        assertEquals(0, clinician.last("joined").get("lobby").size());
        publish(clinician, LiveRoomsFixture.chromiumOffer());

        Client patient = waiting(t.get(1));
        assertEquals(1, patient.received.get(0).size(), "the waiting message carries nothing but its type");
        JsonNode lobby = clinician.last("lobbyUpdated").get("lobby");
        assertEquals(1, lobby.size());
        assertEquals(participantId(1), lobby.get(0).get("participantId").asText());
        assertEquals("patient", lobby.get(0).get("role").asText());
        assertEquals("X patient", lobby.get(0).get("displayName").asText());
        assertEquals("video", lobby.get(0).get("joinedVia").asText());
        assertFalse(clinician.types().contains("participantJoined"), "a waiting participant is not in the room");

        publish(patient, LiveRoomsFixture.chromiumOffer());
        assertEquals("waiting", patient.lastError());
        assertFalse(patient.closed);
        assertEquals(List.of("waiting", "error"), patient.types(), "no subscribe offer reaches a waiting participant");
        assertEquals(1, rooms.participantCount());
        assertEquals(1, rooms.waitingCount());

        clinician.send("admit", participantId(1));
        JsonNode joined = patient.last("joined");
        assertEquals(1, joined.get("participants").size());
        assertEquals("clinician", joined.get("participants").get(0).get("role").asText());
        assertFalse(joined.has("lobby"), "only clinicians see the lobby");
        assertEquals(2, patient.last("subscribeOffer").get("tracks").size(), "the clinician's streams are offered once admitted");
        assertEquals(participantId(1), clinician.last("participantJoined").get("participant").get("participantId").asText());
        assertEquals(0, clinician.last("lobbyUpdated").get("lobby").size());
        publish(patient, LiveRoomsFixture.chromiumOffer());
        assertTrue(patient.last("publishAnswer").get("sdp").asText().contains("a=setup:passive"));
        assertEquals(2, rooms.participantCount());
        assertEquals(0, rooms.waitingCount());
        assertEquals(List.of(AuditAction.WAITING, AuditAction.ADMITTED, AuditAction.JOINED), actionsOf(participantId(1)));
        assertEquals("video", lastAudit(AuditAction.JOINED).detail());
    }

    @Test
    void withNoClinicianPresentTheLobbyHoldsAndAClinicianArrivingSeesWhoWaits() throws Exception {
        List<String> t = book("group", true, "clinician", "patient", "interpreter");
        Client patient = waiting(t.get(1));
        Client interpreter = waiting(t.get(2));
        assertEquals(1, rooms.roomCount());
        assertEquals(0, rooms.participantCount());
        assertFalse(patient.closed);
        Client clinician = joined(t.get(0));
        JsonNode lobby = clinician.last("joined").get("lobby");
        assertEquals(2, lobby.size());
        assertEquals("patient", lobby.get(0).get("role").asText());
        assertEquals("interpreter", lobby.get(1).get("role").asText());
        assertEquals(List.of("waiting"), interpreter.types());
    }

    @Test
    void admissionIsPerPersonAndPerJoin() throws Exception {
        List<String> t = book("group", true, "clinician", "patient", "guardian", "interpreter");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        Client guardian = waiting(t.get(2));
        clinician.send("admit", participantId(1));
        assertEquals("joined", patient.last("joined").path("type").asText());
        assertEquals(List.of("waiting"), guardian.types(), "admitting one lets no one else in");
        waiting(t.get(3));
        assertEquals(2, clinician.last("lobbyUpdated").get("lobby").size());
        guardian.session.onClose();
        assertEquals(1, clinician.last("lobbyUpdated").get("lobby").size(), "who leaves the lobby leaves the list");
        waiting(t.get(2));
    }

    @Test
    void aDeniedParticipantIsToldAndDisconnected() throws Exception {
        List<String> t = book("two-party", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        clinician.send("deny", participantId(1));
        assertEquals("denied", patient.lastError());
        assertTrue(patient.closed);
        assertEquals(0, clinician.last("lobbyUpdated").get("lobby").size());
        assertEquals(AuditAction.DENIED, lastAudit(AuditAction.DENIED).action());
        assertEquals(participantId(1), lastAudit(AuditAction.DENIED).participantId());
        patient.session.onClose();
        assertEquals(1, rooms.roomCount());
        waiting(t.get(1)); // a new join waits again: the clinician decides again
    }

    @Test
    void anAdmittedParticipantWhoseConnectionDropsTakesItsSeatBackWithoutWaiting() throws Exception {
        List<String> t = book("two-party", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        clinician.send("admit", participantId(1));
        patient.session.onClose(); // the connection dropped: the seat is held for the reconnect grace
        assertEquals(2, rooms.participantCount());
        LiveRoomsFixture.awaitGrace();
        assertEquals(1, rooms.participantCount());
        Client again = joined(t.get(1));
        assertEquals(2, rooms.participantCount());
        // and a stale connection that has not noticed yet is replaced, not a reason to wait
        Client third = joined(t.get(1));
        assertEquals("replaced", again.lastError());
        assertTrue(again.closed);
        assertFalse(third.closed);
        assertEquals(0, rooms.waitingCount());
        assertFalse(clinician.closed);
    }

    @Test
    void aWaitingParticipantThatReconnectsKeepsOneEntryInTheLobby() throws Exception {
        List<String> t = book("two-party", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client first = waiting(t.get(1));
        waiting(t.get(1));
        assertEquals("replaced", first.lastError());
        assertEquals(1, clinician.last("lobbyUpdated").get("lobby").size());
        assertEquals(1, rooms.waitingCount());
    }

    @Test
    void capacityCountsSeatedParticipantsOnly() throws Exception {
        List<String> t = live.bookTwoPartyAsStoredBefore(true, "clinician", "patient", "guardian");
        Client clinician = joined(t.get(0));
        waiting(t.get(1));
        clinician.send("admit", participantId(1));
        Client guardian = waiting(t.get(2)); // a full room still lets people wait
        clinician.send("admit", participantId(2));
        assertEquals("room_full", clinician.lastError());
        assertFalse(clinician.closed);
        assertEquals(List.of("waiting"), guardian.types());
        assertEquals(2, rooms.participantCount());
        assertEquals(1, rooms.waitingCount());
    }

    @Test
    void theLobbyIsBounded() throws Exception {
        String[] roles = new String[20];
        roles[0] = "clinician";
        for (int i = 1; i < roles.length; i++) roles[i] = "patient";
        List<String> t = book("group", true, roles);
        for (int i = 1; i < roles.length; i++) waiting(t.get(i));
        assertEquals(19, rooms.waitingCount());
        // A booking has at most 20 seats, so the lobby's bound needs a meeting made by hand.
        List<Participant> seats = new ArrayList<>(live.lastBooked.participants());
        for (int i = 0; i < 2; i++) seats.add(new Participant("extra-patient-" + i, Role.PATIENT, "P" + i));
        Meeting big = new Meeting(live.lastBooked.meetingId(), live.lastBooked.conferenceId(), live.lastBooked.subject(), live.lastBooked.kind(),
                true, live.lastBooked.startsAt(), live.lastBooked.durationMinutes(), seats);
        rooms.join(big, seats.get(20), live.client().session);
        assertEquals(Room.MAX_WAITING, rooms.waitingCount());
        JoinRefused refused = assertThrows(JoinRefused.class, () -> rooms.join(big, seats.get(21), live.client().session));
        assertEquals("lobby_full", refused.code());
        assertEquals(Room.MAX_WAITING, rooms.waitingCount());
    }

    // --- roles ---

    @Test
    void aPatientMayNotAdmitDenyVerifyMuteRemoveOrEndAndNothingChanges() throws Exception {
        List<String> t = book("group", true, "clinician", "patient", "guardian");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        clinician.send("admit", participantId(1));
        Client guardian = waiting(t.get(2));
        int auditBefore = audit.size();
        int clinicianHeard = clinician.received.size();

        for (String type : List.of("admit", "deny", "removeParticipant")) {
            patient.send(type, participantId(2));
            assertEquals("forbidden", patient.lastError(), type);
        }
        patient.send("muteParticipant", participantId(0));
        assertEquals("forbidden", patient.lastError());
        patient.send("removeParticipant", participantId(0));
        assertEquals("forbidden", patient.lastError());
        ObjectNode verify = LiveRoomsFixture.msg("verifyIdentity");
        verify.put("participantId", participantId(1));
        verify.put("method", "bankid");
        patient.send(verify);
        assertEquals("forbidden", patient.lastError());
        patient.send(LiveRoomsFixture.msg("endMeeting"));
        assertEquals("forbidden", patient.lastError());
        // a waiting participant cannot let itself in either
        guardian.send("admit", participantId(2));
        assertEquals("forbidden", guardian.lastError());

        assertFalse(patient.closed);
        assertEquals(List.of("waiting", "error"), guardian.types());
        assertEquals(clinicianHeard, clinician.received.size(), "the clinician heard of nothing");
        assertEquals(auditBefore, audit.size(), "nothing audited: nothing happened");
        assertEquals(2, rooms.participantCount());
        assertEquals(1, rooms.waitingCount());
    }

    @Test
    void anInterpreterAdmitsNoOne() throws Exception {
        List<String> t = book("group", false, "clinician", "interpreter", "patient");
        joined(t.get(0));
        Client interpreter = joined(t.get(1));
        interpreter.send("admit", participantId(2));
        assertEquals("forbidden", interpreter.lastError());
        interpreter.send("muteParticipant", participantId(0));
        assertEquals("forbidden", interpreter.lastError());
    }

    @Test
    void clinicianActionsCheckTheirFields() throws Exception {
        List<String> t = book("group", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        clinician.send("admit", null);
        assertEquals("bad_message", clinician.lastError());
        clinician.send("admit", "x".repeat(65));
        assertEquals("bad_message", clinician.lastError());
        clinician.send("admit", participantId(1));
        assertEquals("unknown_participant", clinician.lastError(), "nobody waits yet");
        ObjectNode verify = LiveRoomsFixture.msg("verifyIdentity");
        verify.put("participantId", participantId(1));
        verify.put("method", "looked-trustworthy");
        clinician.send(verify);
        assertEquals("bad_message", clinician.lastError());
        clinician.send("removeParticipant", participantId(0));
        assertEquals("forbidden", clinician.lastError(), "leave is how one leaves");
        assertFalse(clinician.closed);
    }

    @Test
    void verifyingIdentityIsShownToEveryoneAuditedAndKeptOnRejoin() throws Exception {
        List<String> t = book("group", false, "clinician", "patient", "interpreter");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        Client interpreter = joined(t.get(2));
        assertTrue(clinician.last("participantJoined").get("participant").get("identityVerified").isNull());
        ObjectNode verify = LiveRoomsFixture.msg("verifyIdentity");
        verify.put("participantId", participantId(1));
        verify.put("method", "bankid");
        clinician.send(verify);
        assertEquals("bankid", clinician.last("participantUpdated").get("participant").get("identityVerified").asText());
        assertEquals("bankid", interpreter.last("participantUpdated").get("participant").get("identityVerified").asText());
        Audited a = lastAudit(AuditAction.IDENTITY_VERIFIED);
        assertEquals(participantId(1), a.participantId());
        assertEquals(Role.PATIENT, a.role());
        assertEquals("bankid", a.detail());
        verify.put("method", "id-document");
        clinician.send(verify);
        assertEquals("id-document", lastAudit(AuditAction.IDENTITY_VERIFIED).detail());

        patient.session.onClose();
        joined(t.get(1));
        assertEquals("id-document", clinician.last("participantJoined").get("participant").get("identityVerified").asText());
    }

    @Test
    void aClinicianMutesAnotherWhoIsToldAndSeenMuted() throws Exception {
        List<String> t = book("group", false, "clinician", "patient", "interpreter");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        Client interpreter = joined(t.get(2));
        clinician.send("muteParticipant", participantId(1));
        assertEquals(participantId(0), patient.last("mutedBy").get("participantId").asText());
        assertTrue(interpreter.last("participantUpdated").get("participant").get("audioMuted").asBoolean());
        assertTrue(clinician.last("participantUpdated").get("participant").get("audioMuted").asBoolean());
        assertEquals(AuditAction.MUTED, lastAudit(AuditAction.MUTED).action());
        assertEquals(participantId(1), lastAudit(AuditAction.MUTED).participantId());
    }

    @Test
    void aRemovedParticipantIsDisconnectedAndComesBackOnlyThroughTheLobby() throws Exception {
        List<String> t = book("group", false, "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        clinician.send("removeParticipant", participantId(1));
        assertEquals("removed", patient.lastError());
        assertTrue(patient.closed);
        assertEquals(participantId(1), clinician.last("participantLeft").get("participantId").asText());
        assertEquals(1, rooms.participantCount());
        assertEquals(List.of(AuditAction.JOINED, AuditAction.REMOVED, AuditAction.LEFT), actionsOf(participantId(1)));
        assertEquals("receive-only", audit.stream().filter(a -> a.action() == AuditAction.JOINED).findFirst().orElseThrow().detail());
        assertEquals("removed", lastAudit(AuditAction.LEFT).detail());
        patient.session.onClose();

        waiting(t.get(1)); // even though this meeting has no lobby
        assertEquals(1, clinician.last("lobbyUpdated").get("lobby").size());
        clinician.send("admit", participantId(1));
        assertEquals(2, rooms.participantCount());
    }

    @Test
    void endingTheMeetingEndsItForEveryoneAndRefusesLaterJoins() throws Exception {
        List<String> t = book("group", true, "clinician", "patient", "guardian");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        clinician.send("admit", participantId(1));
        publish(patient, LiveRoomsFixture.chromiumOffer());
        Client guardian = waiting(t.get(2));
        clinician.send(LiveRoomsFixture.msg("endMeeting"));
        for (Client c : List.of(clinician, patient, guardian)) {
            assertEquals("ended", c.last("meetingEnded").get("reason").asText());
            assertTrue(c.closed);
        }
        assertEquals(0, rooms.roomCount());
        Audited ended = lastAudit(AuditAction.ENDED);
        assertEquals(participantId(0), ended.participantId());
        assertEquals(Role.CLINICIAN, ended.role());
        assertEquals(List.of(AuditAction.WAITING, AuditAction.ADMITTED, AuditAction.JOINED, AuditAction.LEFT), actionsOf(participantId(1)));
        assertEquals("ended", lastAudit(AuditAction.LEFT).detail());

        Client late = connect(t.get(1));
        assertEquals("meeting_ended", late.lastError());
        assertTrue(late.closed);
        Client clinicianAgain = connect(t.get(0));
        assertEquals("meeting_ended", clinicianAgain.lastError());
        assertEquals(0, rooms.roomCount());
    }

    // --- the join window, the booking side's news ---

    @Test
    void joiningOutsideTheJoinWindowIsRefusedAndSaysWhenTheVisitStarts() throws Exception {
        List<String> t = book(Instant.now().plus(java.time.Duration.ofDays(2)), "two-party", true, "clinician", "patient");
        open = false;
        Client c = connect(t.get(0));
        assertEquals("meeting_not_open", c.lastError());
        assertTrue(c.closed);
        String startsAt = live.lastBooked.startsAt().atOffset(java.time.ZoneOffset.UTC).toLocalTime().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
        assertTrue(c.last("error").get("message").asText().contains(startsAt), c.last("error").toString());
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void aCancelledMeetingEndsForEveryoneAndRefusesLaterJoins() throws Exception {
        List<String> t = book("two-party", true, "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        rooms.meetingCancelled(live.lastBooked.meetingId());
        for (Client c : List.of(clinician, patient)) {
            assertEquals("cancelled", c.last("meetingEnded").get("reason").asText());
            assertTrue(c.closed);
        }
        assertEquals(0, rooms.roomCount());
        Audited ended = lastAudit(AuditAction.ENDED);
        assertNull(ended.participantId());
        assertEquals("cancelled", ended.detail());
        assertEquals("meeting_ended", connect(t.get(0)).lastError());
    }

    @Test
    void aSeatRemovedFromTheBookingIsRemovedFromTheRoom() throws Exception {
        List<String> t = book("group", true, "clinician", "patient", "guardian");
        Client clinician = joined(t.get(0));
        Client patient = waiting(t.get(1));
        clinician.send("admit", participantId(1));
        Client guardian = waiting(t.get(2));
        rooms.participantRemoved(live.lastBooked.meetingId(), participantId(1));
        rooms.participantRemoved(live.lastBooked.meetingId(), participantId(2));
        assertEquals("removed", patient.lastError());
        assertEquals("removed", guardian.lastError());
        assertTrue(patient.closed && guardian.closed);
        assertEquals(participantId(1), clinician.last("participantLeft").get("participantId").asText());
        assertEquals(0, clinician.last("lobbyUpdated").get("lobby").size());
        assertFalse(clinician.closed);
        rooms.participantRemoved("no-such-meeting", participantId(0));
    }

    // --- the audit trail ---

    @Test
    void joinedIsAuditedAtTheFirstPublishAsVideoOrAudioAndLeftAtTheEnd() throws Exception {
        List<String> t = book("group", false, "clinician", "interpreter");
        Client clinician = joined(t.get(0));
        Client interpreter = joined(t.get(1));
        assertTrue(audit.isEmpty(), "no joined before media: " + audit);
        publish(clinician, LiveRoomsFixture.chromiumOffer());
        publish(interpreter, audioOnlyOffer());
        assertEquals("publishAnswer", interpreter.lastMessage().path("type").asText(), interpreter.received.toString());
        publish(interpreter, audioOnlyOffer()); // a renegotiation is not a second join
        interpreter.send(LiveRoomsFixture.msg("leave"));
        assertEquals(List.of(
                new Audited(live.lastBooked.meetingId(), participantId(0), Role.CLINICIAN, AuditAction.JOINED, "video"),
                new Audited(live.lastBooked.meetingId(), participantId(1), Role.INTERPRETER, AuditAction.JOINED, "audio"),
                new Audited(live.lastBooked.meetingId(), participantId(1), Role.INTERPRETER, AuditAction.LEFT, null)), audit);
        assertFalse(audit.toString().contains("X interpreter"), "no names in the audit trail");
    }
}
