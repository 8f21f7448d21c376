package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/** On H2: a process killed right after booking loses neither the booking, its change nor an audit event. */
class BookingSurvivesKillTest {

    @Test
    void bookingRescheduleAndAuditEventsSurviveTheProcessBeingKilled(@TempDir Path dir) throws Exception {
        String url = Database.defaultUrl(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledBooker.class.getName(), url, dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(137, child.exitValue(), "child failed before it halted: " + out);
        String meetingId = out.lines().reduce((a, b) -> b).orElseThrow();
        try (Database db = Database.open(url, "sa", "")) {
            MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dir, Clock.systemUTC()),
                    "https://x", Clock.systemUTC());
            assertEquals(45, meetings.find(meetingId).orElseThrow().durationMinutes());
            assertEquals(List.of(AuditAction.BOOKED, AuditAction.RESCHEDULED, AuditAction.JOINED),
                    meetings.auditLog().list(meetingId).stream().map(AuditEvent::action).toList());
        }
    }
}
