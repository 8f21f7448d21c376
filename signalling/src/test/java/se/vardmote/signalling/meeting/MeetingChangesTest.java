package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.meeting.ChangeRefusedException.Reason;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

class MeetingChangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-01T07:00:00Z"); // the example starts at 08:00Z

    @TempDir
    Path dataDir;
    private Database db;
    private final MutableClock clock = new MutableClock(NOW);
    private MeetingService meetings;
    private final List<String> told = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(Database.defaultUrl(dataDir), "sa", "");
        meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock), "https://vard.example.se",
                clock, new AuditLog(db, clock), MeetingRules.defaults());
        meetings.addListener(new MeetingListener() {
            @Override
            public void meetingCancelled(String meetingId) {
                told.add("cancelled " + meetingId);
            }

            @Override
            public void participantRemoved(String meetingId, String participantId) {
                told.add("removed " + participantId);
            }
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Meeting book() throws Exception {
        return meetings.book(BookingRequest.parse(JSON.readTree(BookingRequestTest.EXAMPLE)));
    }

    private static MeetingChange change(String json) throws Exception {
        return MeetingChange.parse(JSON.readTree(json));
    }

    private List<AuditAction> actions(String meetingId) {
        return meetings.auditLog().list(meetingId).stream().map(AuditEvent::action).toList();
    }

    @Test
    void bookingReturnsALeaderPinOnceAndAuditsBooked() throws Exception {
        NewBooking b = meetings.bookWithLeaderPin(BookingRequest.parse(JSON.readTree(BookingRequestTest.EXAMPLE)));
        assertTrue(LeaderPin.isWellFormed(b.leaderPin()));
        assertFalse(LeaderPin.isTrivial(b.leaderPin()));
        assertEquals(b.leaderPin(), meetings.describe(b).get("leaderPin").asText());
        assertNull(meetings.describe(b.meeting()).get("leaderPin"), "only the booking answer carries the PIN");
        assertFalse(b.toString().contains(b.leaderPin()));
        assertEquals("booked", meetings.describe(b.meeting()).get("status").asText());
        assertEquals(List.of(AuditAction.BOOKED), actions(b.meeting().meetingId()));
    }

    @Test
    void rescheduleMovesTheTimeKeepsTheConferenceIdAndIsAudited() throws Exception {
        Meeting m = book();
        Meeting moved = meetings.change(m.meetingId(),
                change("{\"startsAt\":\"2026-12-02T10:00:00+01:00\",\"durationMinutes\":45}"));
        assertEquals(Instant.parse("2026-12-02T09:00:00Z"), moved.startsAt());
        assertEquals(45, moved.durationMinutes());
        assertEquals(m.conferenceId(), moved.conferenceId());
        assertEquals(moved, meetings.find(m.meetingId()).orElseThrow());
        assertEquals(moved, meetings.findByConferenceId(m.conferenceId()).orElseThrow());
        AuditEvent last = meetings.auditLog().list(m.meetingId()).get(1);
        assertEquals(AuditAction.RESCHEDULED, last.action());
        assertEquals("startsAt,durationMinutes", last.detail());
    }

    @Test
    void subjectAndLobbyChangeIsAuditedAsUpdated() throws Exception {
        Meeting m = book();
        Meeting changed = meetings.change(m.meetingId(), change("{\"subject\":\"CD-90 Uppföljning\",\"lobby\":false}"));
        assertEquals("CD-90 Uppföljning", changed.subject());
        assertFalse(changed.lobby());
        assertEquals(m.startsAt(), changed.startsAt());
        assertEquals(List.of(AuditAction.BOOKED, AuditAction.UPDATED), actions(m.meetingId()));
    }

    @Test
    void changeRefusesImmutableFieldsEmptyBodiesAndPersonalData() {
        assertEquals("kind", assertThrows(InvalidBookingException.class, () -> change("{\"kind\":\"group\"}")).field());
        assertEquals("participants", assertThrows(InvalidBookingException.class,
                () -> change("{\"participants\":[]}")).field());
        assertEquals("body", assertThrows(InvalidBookingException.class, () -> change("{}")).field());
        InvalidBookingException pnr = assertThrows(InvalidBookingException.class,
                () -> change("{\"subject\":\"Besök 811218-9876\"}"));
        assertEquals("subject", pnr.field());
        assertTrue(pnr.isSensitiveData());
        assertFalse(pnr.getMessage().contains("9876"));
    }

    @Test
    void cancelTellsListenersAuditsAndRefusesFurtherChanges() throws Exception {
        Meeting m = book();
        Meeting cancelled = meetings.cancel(m.meetingId());
        assertTrue(cancelled.isCancelled());
        assertEquals(MeetingStatus.CANCELLED, meetings.find(m.meetingId()).orElseThrow().status());
        assertEquals(List.of("cancelled " + m.meetingId()), told);
        assertEquals(List.of(AuditAction.BOOKED, AuditAction.CANCELLED), actions(m.meetingId()));
        assertFalse(meetings.isOpenForJoining(cancelled, m.startsAt()));
        assertEquals(Reason.CANCELLED, assertThrows(ChangeRefusedException.class,
                () -> meetings.change(m.meetingId(), change("{\"subject\":\"X\"}"))).reason());
        assertEquals(Reason.CANCELLED, assertThrows(ChangeRefusedException.class,
                () -> meetings.cancel(m.meetingId())).reason());
        assertEquals(Reason.CANCELLED, assertThrows(ChangeRefusedException.class,
                () -> meetings.addParticipant(m.meetingId(), new BookingRequest.ParticipantRequest(Role.GUARDIAN, "G"))).reason());
    }

    @Test
    void endedMeetingsRefuseChangesAfterTheGraceOrOnceEndedByTheClinician() throws Exception {
        Meeting m = book();
        clock.set(m.endsAt().plus(MeetingService.GRACE_AFTER_END));
        assertEquals(Reason.ENDED, assertThrows(ChangeRefusedException.class, () -> meetings.cancel(m.meetingId())).reason());

        clock.set(NOW);
        Meeting n = book();
        meetings.auditLog().record(n.meetingId(), n.participants().get(0).participantId(), Role.CLINICIAN,
                AuditAction.ENDED, null);
        assertEquals(Reason.ENDED, assertThrows(ChangeRefusedException.class,
                () -> meetings.change(n.meetingId(), change("{\"durationMinutes\":60}"))).reason());
    }

    @Test
    void unknownMeetingsAndSeatsAreNotFound() throws Exception {
        assertEquals(Reason.MEETING_NOT_FOUND, assertThrows(ChangeRefusedException.class,
                () -> meetings.cancel("AAAAAAAAAAAAAAAAAAAAAA")).reason());
        assertEquals(Reason.MEETING_NOT_FOUND, assertThrows(ChangeRefusedException.class,
                () -> meetings.cancel("not an id")).reason());
        Meeting m = book();
        assertEquals(Reason.PARTICIPANT_NOT_FOUND, assertThrows(ChangeRefusedException.class,
                () -> meetings.removeParticipant(m.meetingId(), "AAAAAAAAAAAAAAAAAAAAAA")).reason());
        assertTrue(meetings.auditEvents("AAAAAAAAAAAAAAAAAAAAAA").isEmpty());
        assertTrue(meetings.visitRecord("AAAAAAAAAAAAAAAAAAAAAA").isEmpty());
    }

    @Test
    void seatsAreAddedAfterTheOthersAndRemovedWithListenerAndAudit() throws Exception {
        Meeting m = book();
        Participant interpreter = meetings.addParticipant(m.meetingId(),
                new BookingRequest.ParticipantRequest(Role.INTERPRETER, "Tolk"));
        Meeting with = meetings.find(m.meetingId()).orElseThrow();
        assertEquals(3, with.participants().size());
        assertEquals(interpreter, with.participants().get(2));
        assertTrue(meetings.describeSeat(with, interpreter).get("joinUrl").asText().contains("/join#"));

        Meeting after = meetings.removeParticipant(m.meetingId(), m.participants().get(1).participantId());
        assertEquals(List.of(m.participants().get(0), interpreter), after.participants());
        assertEquals(after, meetings.find(m.meetingId()).orElseThrow());
        assertEquals(List.of("removed " + m.participants().get(1).participantId()), told);
        List<AuditEvent> events = meetings.auditLog().list(m.meetingId());
        assertEquals(AuditAction.PARTICIPANT_ADDED, events.get(1).action());
        assertEquals(interpreter.participantId(), events.get(1).participantId());
        assertEquals(Role.INTERPRETER, events.get(1).role());
        assertEquals(AuditAction.PARTICIPANT_REMOVED, events.get(2).action());
        assertEquals(Role.PATIENT, events.get(2).role());

        meetings.removeParticipant(m.meetingId(), interpreter.participantId());
        assertEquals(Reason.LAST_PARTICIPANT, assertThrows(ChangeRefusedException.class,
                () -> meetings.removeParticipant(m.meetingId(), m.participants().get(0).participantId())).reason());
    }

    @Test
    void aTwoPartyMeetingTakesNoThirdSeatButAnInterpreter() throws Exception {
        Meeting m = book();
        ChangeRefusedException refused = assertThrows(ChangeRefusedException.class,
                () -> meetings.addParticipant(m.meetingId(), new BookingRequest.ParticipantRequest(Role.GUARDIAN, "G")));
        assertEquals(Reason.TOO_MANY_PARTICIPANTS, refused.reason());
        assertTrue(refused.getMessage().contains("group"), refused.getMessage());
        meetings.addParticipant(m.meetingId(), new BookingRequest.ParticipantRequest(Role.INTERPRETER, "Tolk"));
        assertEquals(3, meetings.find(m.meetingId()).orElseThrow().participants().size());
    }

    @Test
    void aMeetingHoldsAtMostTwentySeats() throws Exception {
        Meeting m = book();
        for (int i = 2; i < BookingRequest.MAX_PARTICIPANTS; i++) {
            meetings.addParticipant(m.meetingId(), new BookingRequest.ParticipantRequest(Role.INTERPRETER, "T" + i));
        }
        assertEquals(Reason.TOO_MANY_PARTICIPANTS, assertThrows(ChangeRefusedException.class,
                () -> meetings.addParticipant(m.meetingId(), new BookingRequest.ParticipantRequest(Role.INTERPRETER, "X"))).reason());
    }

    @Test
    void listPagesThroughATimeWindowInStartOrder() throws Exception {
        Set<String> inWindow = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            Meeting m = book();
            Meeting moved = meetings.change(m.meetingId(), MeetingChange.parse(JSON.readTree(
                    "{\"startsAt\":\"2026-12-0" + (1 + i % 3) + "T10:00:00Z\"}")));
            if (!moved.startsAt().isAfter(Instant.parse("2026-12-02T10:00:00Z"))) inWindow.add(m.meetingId());
        }
        Instant from = Instant.parse("2026-12-01T00:00:00Z");
        Instant to = Instant.parse("2026-12-03T00:00:00Z");
        List<Meeting> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            MeetingPage page = meetings.list(from, to, cursor, 2);
            assertTrue(page.meetings().size() <= 2);
            seen.addAll(page.meetings());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(inWindow, new HashSet<>(seen.stream().map(Meeting::meetingId).toList()));
        assertEquals(inWindow.size(), seen.size(), "no meeting twice");
        for (int i = 1; i < seen.size(); i++) assertFalse(seen.get(i).startsAt().isBefore(seen.get(i - 1).startsAt()));

        assertEquals("limit", assertThrows(InvalidBookingException.class, () -> meetings.list(from, to, null, 101)).field());
        assertEquals("to", assertThrows(InvalidBookingException.class, () -> meetings.list(to, from, null, 10)).field());
        assertEquals("to", assertThrows(InvalidBookingException.class,
                () -> meetings.list(from, from.plus(Duration.ofDays(400)), null, 10)).field());
        assertEquals("cursor", assertThrows(InvalidBookingException.class, () -> meetings.list(from, to, "!!", 10)).field());
        assertNotNull(meetings.list(from, to, null, 100));
    }
}
