package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.RetentionPurge;
import se.vardmote.signalling.token.TokenService;

/** Meetings, their seats and their audit events go once the retention period after their end has passed. */
class RetentionPurgeTest {
    private static final Duration RETENTION = Duration.ofDays(90);

    @TempDir
    Path dataDir;

    @Test
    void aMeetingGoesWithItsSeatsAndAuditEventsOnceRetentionHasPassedAfterItsEnd() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T07:00:00Z"));
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock),
                    "https://vard.example.se", clock);
            // The example visit: 2026-12-01 08:00Z for 30 minutes.
            Meeting old = meetings.book(BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE)));
            meetings.auditLog().record(old.meetingId(), old.participants().get(0).participantId(),
                    old.participants().get(0).role(), AuditAction.JOINED, "video");
            clock.set(Instant.parse("2027-02-20T07:00:00Z"));
            Meeting recent = meetings.book(BookingRequest.parse(new ObjectMapper().readTree(
                    BookingRequestTest.EXAMPLE.replace("2026-12-01T09:00:00+01:00", "2027-02-20T09:00:00+01:00"))));
            RetentionPurge purge = new RetentionPurge(db, RETENTION, clock);

            clock.set(Instant.parse("2027-03-01T08:29:00Z")); // 89 days 23:59 after the old one's end
            assertEquals(new RetentionPurge.Purged(0, 0), purge.purge());
            assertTrue(meetings.find(old.meetingId()).isPresent());

            clock.set(Instant.parse("2027-03-01T08:31:00Z")); // just past 90 days
            RetentionPurge.Purged purged = purge.purge();
            assertEquals(1, purged.meetings());
            assertTrue(purged.auditEvents() >= 2, "its booking and join events: " + purged);
            assertTrue(meetings.find(old.meetingId()).isEmpty());
            try (java.sql.Connection c = db.connection();
                 java.sql.PreparedStatement s = c.prepareStatement(
                         "SELECT (SELECT COUNT(*) FROM audit_events WHERE meeting_id = ?) + (SELECT COUNT(*) FROM participants WHERE meeting_id = ?)")) {
                s.setString(1, old.meetingId());
                s.setString(2, old.meetingId());
                try (java.sql.ResultSet r = s.executeQuery()) {
                    assertTrue(r.next());
                    assertEquals(0, r.getInt(1), "no audit event and no seat of it is left");
                }
            }
            assertTrue(meetings.find(recent.meetingId()).isPresent(), "a meeting within its retention stays");
            assertTrue(meetings.auditEvents(recent.meetingId()).orElseThrow().size() >= 1);
            assertEquals(new RetentionPurge.Purged(0, 0), purge.purge(), "a second purge finds nothing more");
        }
    }
}
