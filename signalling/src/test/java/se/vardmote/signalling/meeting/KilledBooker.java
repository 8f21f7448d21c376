package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * Run in a child JVM by {@link BookingSurvivesKillTest}: books a meeting, reschedules it, records a join,
 * prints the meeting id and halts at once, skipping shutdown hooks and every close, as a SIGKILL would.
 */
final class KilledBooker {
    public static void main(String[] args) throws Exception {
        Database db = Database.open(args[0], "sa", "");
        // A fixed time before the example's start, so that the test never depends on today's date.
        Clock clock = Clock.fixed(java.time.Instant.parse("2026-12-01T07:00:00Z"), java.time.ZoneOffset.UTC);
        MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(Path.of(args[1]), clock),
                "https://x", clock);
        Meeting m = meetings.book(BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE)));
        meetings.change(m.meetingId(), MeetingChange.parse(new ObjectMapper().readTree("{\"durationMinutes\":45}")));
        meetings.auditLog().record(m.meetingId(), m.participants().get(0).participantId(), Role.CLINICIAN,
                AuditAction.JOINED, "video");
        System.out.println(m.meetingId());
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}
