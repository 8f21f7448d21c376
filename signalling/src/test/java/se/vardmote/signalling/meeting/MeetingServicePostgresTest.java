package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * The same migrations and queries on a real PostgreSQL 15: booking, changes, cancellation, seats, listing,
 * the audit log, the visit record and the PIN lockout. (Surviving SIGKILL is proven on H2 only: PostgreSQL's
 * durability is its own.)
 *
 * <p>Runs when {@code VARDMOTE_TEST_POSTGRES_URL} names a scratch database on loopback, e.g. as printed by
 * {@code eval "$(.ci/start-postgres)"}. Without it the tests are skipped, except under {@code CI=true}, where a
 * missing database is a failure: CI must prove PostgreSQL, not skip it. Tests leave their rows behind (random
 * ids, far-future times), so point it at a database made for the purpose.
 */
class MeetingServicePostgresTest {

    static final String URL_VARIABLE = "VARDMOTE_TEST_POSTGRES_URL";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String url;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(URL_VARIABLE + " is not set under CI=true: run eval \"$(.ci/start-postgres)\" before the tests");
            }
            Assumptions.abort(URL_VARIABLE + " is not set; eval \"$(.ci/start-postgres)\" to run the PostgreSQL tests");
        }
        if (!url.matches("jdbc:postgresql://(127\\.0\\.0\\.1|\\[::1\\]|localhost)[:/].*")) {
            fail(URL_VARIABLE + " must name a PostgreSQL server on loopback");
        }
    }

    /** A start time in a random far-future minute, so that runs sharing the database never overlap. */
    private static Instant someFutureStart() {
        return Instant.parse("2080-01-01T00:00:00Z").plus(Duration.ofMinutes(ThreadLocalRandom.current().nextInt(5_000_000)));
    }

    private static BookingRequest request(Instant start) throws Exception {
        String json = BookingRequestTest.EXAMPLE.replace("2026-12-01T09:00:00+01:00", start.toString());
        return BookingRequest.parse(JSON.readTree(json));
    }

    private MeetingService service(Database db, MutableClock clock) throws Exception {
        return new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock), "https://vard.example.se",
                clock, new AuditLog(db, clock), MeetingRules.defaults());
    }

    @Test
    void booksAndFindsAMeetingOnPostgreSql() throws Exception {
        Instant start = someFutureStart();
        MutableClock clock = new MutableClock(start.minus(Duration.ofHours(1)));
        Meeting booked;
        try (Database db = Database.open(url, null, null)) {
            booked = service(db, clock).book(request(start));
        }
        try (Database db = Database.open(url, null, null)) {
            MeetingService meetings = service(db, clock);
            assertEquals(Optional.of(booked), meetings.find(booked.meetingId()));
            assertEquals(Optional.of(booked), meetings.findByConferenceId(booked.conferenceId()));
            assertTrue(meetings.describe(booked).get("participants").get(0).get("joinUrl").asText().contains("/join#"));
            assertEquals(List.of(AuditAction.BOOKED),
                    meetings.auditLog().list(booked.meetingId()).stream().map(AuditEvent::action).toList());
        }
    }

    @Test
    void changesCancelsSeatsAndListsOnPostgreSql() throws Exception {
        Instant start = someFutureStart();
        MutableClock clock = new MutableClock(start.minus(Duration.ofHours(1)));
        try (Database db = Database.open(url, null, null)) {
            MeetingService meetings = service(db, clock);
            Set<String> ids = new HashSet<>();
            Meeting first = meetings.book(request(start));
            ids.add(first.meetingId());
            for (int i = 0; i < 2; i++) ids.add(meetings.book(request(start)).meetingId());

            Meeting moved = meetings.change(first.meetingId(), MeetingChange.parse(JSON.readTree(
                    "{\"durationMinutes\":50,\"subject\":\"CD-77 Uppföljning\"}")));
            assertEquals(moved, meetings.find(first.meetingId()).orElseThrow());
            Participant interpreter = meetings.addParticipant(first.meetingId(),
                    new BookingRequest.ParticipantRequest(Role.INTERPRETER, "Tolk"));
            meetings.removeParticipant(first.meetingId(), first.participants().get(1).participantId());
            assertEquals(List.of(first.participants().get(0), interpreter),
                    meetings.find(first.meetingId()).orElseThrow().participants());

            Set<String> listed = new HashSet<>();
            String cursor = null;
            do {
                MeetingPage page = meetings.list(start, start.plusSeconds(60), cursor, 2);
                page.meetings().forEach(m -> listed.add(m.meetingId()));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertTrue(listed.containsAll(ids), "all three listed");

            meetings.cancel(first.meetingId());
            assertTrue(meetings.find(first.meetingId()).orElseThrow().isCancelled());
            assertEquals(ChangeRefusedException.Reason.CANCELLED, org.junit.jupiter.api.Assertions.assertThrows(
                    ChangeRefusedException.class, () -> meetings.cancel(first.meetingId())).reason());
            assertEquals(List.of(AuditAction.BOOKED, AuditAction.RESCHEDULED, AuditAction.PARTICIPANT_ADDED,
                            AuditAction.PARTICIPANT_REMOVED, AuditAction.CANCELLED),
                    meetings.auditLog().list(first.meetingId()).stream().map(AuditEvent::action).toList());
        }
    }

    @Test
    void auditLogVisitRecordAndPinLockoutOnPostgreSql() throws Exception {
        Instant start = someFutureStart();
        MutableClock clock = new MutableClock(start.minus(Duration.ofMinutes(5)));
        try (Database db = Database.open(url, null, null)) {
            MeetingService meetings = service(db, clock);
            NewBooking b = meetings.bookWithLeaderPin(request(start));
            String id = b.meeting().meetingId();
            String doc = b.meeting().participants().get(0).participantId();
            AuditLog audit = meetings.auditLog();
            audit.record(id, doc, Role.CLINICIAN, AuditAction.JOINED, "video");
            clock.advance(Duration.ofMinutes(20));
            audit.record(id, doc, Role.CLINICIAN, AuditAction.LEFT, null);
            VisitRecord record = meetings.visitRecord(id).orElseThrow();
            assertEquals(Duration.ofMinutes(20), record.duration());

            String wrong = b.leaderPin().substring(0, 5) + (char) ('0' + (b.leaderPin().charAt(5) - '0' + 1) % 10);
            for (int i = 0; i < 10; i++) assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin(id, wrong));
            assertEquals(PinCheck.LOCKED, meetings.checkLeaderPin(id, b.leaderPin()));
            clock.advance(LeaderPinLockout.LOCK);
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(id, b.leaderPin()));
        }
    }
}
