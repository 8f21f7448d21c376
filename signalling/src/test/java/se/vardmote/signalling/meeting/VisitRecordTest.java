package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.meeting.VisitRecord.Attendance;
import se.vardmote.signalling.meeting.VisitRecord.Interval;

class VisitRecordTest {

    private static final Instant T = Instant.parse("2026-12-01T08:00:00Z");
    private static final Meeting MEETING = new Meeting("m1", "482913375", "AB-82", MeetingKind.GROUP, true, T, 30,
            List.of(new Participant("doc", Role.CLINICIAN, "Dr Lind"),
                    new Participant("pat", Role.PATIENT, "AB"),
                    new Participant("tolk", Role.INTERPRETER, "Tolk"),
                    new Participant("gone", Role.GUARDIAN, "Förälder")));

    private final List<AuditEvent> events = new ArrayList<>();

    private void at(int minute, String who, Role role, AuditAction action, String detail) {
        events.add(new AuditEvent(T.plusSeconds(60L * minute), "m1", who, role, action, detail));
    }

    @Test
    void readsStartEndRejoinsHowEachJoinedIdentityAndInterpreter() {
        at(-20, null, null, AuditAction.BOOKED, "group");
        at(-2, "doc", Role.CLINICIAN, AuditAction.JOINED, "video");
        at(1, "pat", Role.PATIENT, AuditAction.JOINED, "video");
        at(1, "pat", Role.PATIENT, AuditAction.WAITING, null);
        at(2, "pat", Role.PATIENT, AuditAction.ADMITTED, null);
        at(3, "pat", Role.PATIENT, AuditAction.IDENTITY_VERIFIED, "bankid");
        at(5, "tolk", Role.INTERPRETER, AuditAction.DIAL_IN, "ivr");
        at(5, "tolk", Role.INTERPRETER, AuditAction.JOINED, "phone");
        at(10, "pat", Role.PATIENT, AuditAction.LEFT, null);       // connection dropped
        at(11, "pat", Role.PATIENT, AuditAction.JOINED, "audio");   // back, audio only
        at(12, "pat", Role.PATIENT, AuditAction.JOINED, "audio");   // rejoin replacing a dead connection
        at(25, "tolk", Role.INTERPRETER, AuditAction.LEFT, null);
        at(31, "doc", Role.CLINICIAN, AuditAction.ENDED, null);

        VisitRecord r = VisitRecord.of(MEETING, events);
        assertEquals(T.minusSeconds(120), r.actualStart());
        assertEquals(T.plusSeconds(31 * 60), r.actualEnd());
        assertEquals(Duration.ofMinutes(33), r.duration());
        assertTrue(r.interpreterTookPart());

        Attendance pat = r.participants().get(1);
        assertEquals("pat", pat.participantId());
        assertEquals(List.of("video", "audio"), pat.joinedVia());
        assertEquals(List.of(new Interval(T.plusSeconds(60), T.plusSeconds(600)),
                new Interval(T.plusSeconds(660), T.plusSeconds(720)),
                new Interval(T.plusSeconds(720), T.plusSeconds(31 * 60))), pat.intervals());
        assertEquals("bankid", pat.identityVerifiedMethod());
        assertEquals(T.plusSeconds(180), pat.identityVerifiedAt());

        Attendance tolk = r.participants().get(2);
        assertEquals(List.of("phone"), tolk.joinedVia());
        assertEquals(List.of(new Interval(T.plusSeconds(300), T.plusSeconds(1500))), tolk.intervals());
        assertNull(tolk.identityVerifiedMethod());

        Attendance gone = r.participants().get(3);
        assertFalse(gone.attended());

        JsonNode json = r.toJson();
        assertEquals(33, json.get("durationMinutes").asInt());
        assertEquals(1980, json.get("durationSeconds").asInt());
        assertEquals("2026-12-01T07:58:00Z", json.get("actualStart").asText());
        assertEquals("bankid", json.get("participants").get(1).get("identityVerified").get("method").asText());
        assertTrue(json.get("participants").get(3).get("identityVerified").isNull());
        assertEquals("patient", json.get("participants").get(1).get("role").asText());
        assertFalse(json.toString().contains("Dr Lind"), "no names in the record");
    }

    @Test
    void visitWithoutEndedEventEndsAtTheLastDepartureOnceEveryoneLeft() {
        at(0, "doc", Role.CLINICIAN, AuditAction.JOINED, "video");
        at(1, "pat", Role.PATIENT, AuditAction.JOINED, "video");
        at(20, "pat", Role.PATIENT, AuditAction.LEFT, null);
        VisitRecord running = VisitRecord.of(MEETING, events);
        assertNull(running.actualEnd(), "the clinician is still there");
        assertNull(running.duration());
        assertNull(running.participants().get(0).intervals().get(0).leftAt());
        assertFalse(running.interpreterTookPart());

        at(22, "doc", Role.CLINICIAN, AuditAction.LEFT, null);
        VisitRecord over = VisitRecord.of(MEETING, events);
        assertEquals(T.plusSeconds(22 * 60), over.actualEnd());
        assertEquals(Duration.ofMinutes(22), over.duration());
    }

    @Test
    void participantOnlyInTheEventsIsListedWithTheEventsRole() {
        at(0, "caller", Role.INTERPRETER, AuditAction.JOINED, "phone");
        at(9, "caller", Role.INTERPRETER, AuditAction.REMOVED, null);
        VisitRecord r = VisitRecord.of(MEETING, events);
        Attendance caller = r.participants().get(4);
        assertEquals("caller", caller.participantId());
        assertEquals(Role.INTERPRETER, caller.role());
        assertTrue(r.interpreterTookPart());
        assertEquals(T.plusSeconds(540), r.actualEnd());
    }

    @Test
    void nobodyJoinedMeansNoStartNoEndNoDuration() {
        at(-20, null, null, AuditAction.BOOKED, "group");
        at(-10, null, null, AuditAction.CANCELLED, null);
        VisitRecord r = VisitRecord.of(MEETING, events);
        assertNull(r.actualStart());
        assertNull(r.actualEnd());
        JsonNode json = r.toJson();
        assertTrue(json.get("durationMinutes").isNull());
        assertEquals(4, json.get("participants").size());
    }
}
