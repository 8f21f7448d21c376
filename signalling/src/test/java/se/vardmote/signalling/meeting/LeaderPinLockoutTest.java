package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

class LeaderPinLockoutTest {

    private static final Instant NOW = Instant.parse("2026-12-01T07:50:00Z");

    @TempDir
    Path dataDir;

    /** A wrong PIN for this booking: the right one with its last digit changed. */
    private static String wrong(String pin) {
        return pin.substring(0, 5) + (char) ('0' + (pin.charAt(5) - '0' + 1) % 10);
    }

    @Test
    void tenWrongPinsWithinFifteenMinutesLockTheMeetingForFifteenMinutes() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock),
                    "https://x", clock, new AuditLog(db, clock));
            NewBooking b = meetings.bookWithLeaderPin(BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE)));
            String id = b.meeting().meetingId();
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(id, b.leaderPin()));
            for (int i = 0; i < 9; i++) {
                assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin(id, wrong(b.leaderPin())));
                clock.advance(Duration.ofSeconds(90)); // 9 failures over 13.5 minutes
            }
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(id, b.leaderPin()), "9 failures do not lock");
            assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin(id, "12345")); // malformed counts too: the 10th
            Instant tenth = clock.instant();
            assertEquals(PinCheck.LOCKED, meetings.checkLeaderPin(id, b.leaderPin()), "even the right PIN");
            clock.set(tenth.plus(Duration.ofMinutes(15)).minusSeconds(1));
            assertEquals(PinCheck.LOCKED, meetings.checkLeaderPin(id, b.leaderPin()));
            clock.set(tenth.plus(Duration.ofMinutes(15)));
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(id, b.leaderPin()), "lock lifted");

            List<AuditEvent> failures = meetings.auditLog().list(id).stream()
                    .filter(e -> e.action() == AuditAction.PIN_FAILED).toList();
            assertEquals(10, failures.size(), "locked attempts are not counted");
            for (AuditEvent e : failures) assertNull(e.detail(), "no digits in the audit log");
        }
    }

    @Test
    void failuresSpreadWiderThanTheWindowNeverLock() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock),
                    "https://x", clock, new AuditLog(db, clock));
            NewBooking b = meetings.bookWithLeaderPin(BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE)));
            for (int i = 0; i < 15; i++) {
                assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin(b.meeting().meetingId(), wrong(b.leaderPin())));
                clock.advance(Duration.ofMinutes(2)); // never 10 within 15 minutes
            }
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(b.meeting().meetingId(), b.leaderPin()));
        }
    }

    @Test
    void lockoutIsPerMeetingAndUnknownMeetingsAreRejected() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock),
                    "https://x", clock, new AuditLog(db, clock));
            BookingRequest r = BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE));
            NewBooking a = meetings.bookWithLeaderPin(r);
            NewBooking b = meetings.bookWithLeaderPin(r);
            for (int i = 0; i < 10; i++) meetings.checkLeaderPin(a.meeting().meetingId(), null);
            assertEquals(PinCheck.LOCKED, meetings.checkLeaderPin(a.meeting().meetingId(), a.leaderPin()));
            assertEquals(PinCheck.ACCEPTED, meetings.checkLeaderPin(b.meeting().meetingId(), b.leaderPin()));
            assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin("AAAAAAAAAAAAAAAAAAAAAA", a.leaderPin()));
            assertEquals(PinCheck.REJECTED, meetings.checkLeaderPin(null, a.leaderPin()));
        }
    }
}
