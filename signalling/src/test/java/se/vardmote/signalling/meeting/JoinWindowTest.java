package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/** When a meeting may be joined, and when its conference id may be handed out again. */
class JoinWindowTest {

    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z"); // BookingRequestTest.EXAMPLE
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private MeetingService service(Database db, MutableClock clock, MeetingRules rules) throws Exception {
        return new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock), "https://x", clock,
                new AuditLog(db, clock), rules);
    }

    private static BookingRequest request() throws Exception {
        return BookingRequest.parse(JSON.readTree(BookingRequestTest.EXAMPLE));
    }

    @Test
    void openFromTheConfiguredTimeBeforeStartUntilEndPlusGrace() throws Exception {
        MutableClock clock = new MutableClock(START.minus(Duration.ofDays(1)));
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingRules rules = new MeetingRules(Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofDays(90));
            MeetingService meetings = service(db, clock, rules);
            Meeting m = meetings.book(request());
            assertFalse(meetings.isOpenForJoining(m, START.minus(Duration.ofMinutes(10)).minusSeconds(1)));
            assertTrue(meetings.isOpenForJoining(m, START.minus(Duration.ofMinutes(10))));
            assertTrue(meetings.isOpenForJoining(m, m.endsAt().plus(Duration.ofMinutes(30)).minusSeconds(1)));
            assertFalse(meetings.isOpenForJoining(m, m.endsAt().plus(Duration.ofMinutes(30))));

            MeetingService defaults = service(db, clock, MeetingRules.defaults());
            assertTrue(defaults.isOpenForJoining(m, START.minus(Duration.ofMinutes(15))));
            assertFalse(defaults.isOpenForJoining(m, START.minus(Duration.ofMinutes(16))));
            assertTrue(defaults.isOpenForJoining(m, m.endsAt().plus(Duration.ofMinutes(59))));
            assertFalse(defaults.isOpenForJoining(m, m.endsAt().plus(Duration.ofMinutes(60))));
            assertFalse(defaults.isOpenForJoining(null, START));
        }
    }

    @Test
    void aConferenceIdIsNotHandedOutAgainWithinTheRetentionWindowEvenWhenCancelled() throws Exception {
        MutableClock clock = new MutableClock(START.minus(Duration.ofDays(1)));
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingRules rules = new MeetingRules(Duration.ofMinutes(15), Duration.ofMinutes(60), Duration.ofDays(90));
            MeetingService meetings = service(db, clock, rules);
            Meeting old = meetings.book(request());
            meetings.cancel(old.meetingId());
            String other = ConferenceId.generate(new SplittableRandom(7));
            // Every booking first draws the old id, then another one.
            Deque<String> draws = new ArrayDeque<>();
            meetings.drawConferenceIdsFrom(draws::poll);

            for (Duration since : new Duration[] {Duration.ZERO, Duration.ofDays(89)}) {
                clock.set(old.endsAt().plus(since));
                draws.addAll(List.of(old.conferenceId(), other));
                assertEquals(other, meetings.book(request()).conferenceId(), "retained " + since);
                draws.clear();
                cancelAllBut(db, old.meetingId());
            }
            clock.set(old.endsAt().plus(Duration.ofDays(90)).plusSeconds(1));
            draws.addAll(List.of(old.conferenceId(), other));
            assertEquals(old.conferenceId(), meetings.book(request()).conferenceId(), "released after 90 days");
        }
    }

    @Test
    void anUpcomingMeetingsConferenceIdIsNeverDrawnTwice() throws Exception {
        MutableClock clock = new MutableClock(START.minus(Duration.ofDays(30)));
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = service(db, clock, MeetingRules.defaults());
            Meeting upcoming = meetings.book(request());
            String other = ConferenceId.generate(new SplittableRandom(8));
            Deque<String> draws = new ArrayDeque<>(List.of(upcoming.conferenceId(), upcoming.conferenceId(), other));
            meetings.drawConferenceIdsFrom(draws::poll);
            assertEquals(other, meetings.book(request()).conferenceId());
            assertEquals(Optional.of(upcoming), meetings.findByConferenceId(upcoming.conferenceId()));
        }
    }

    /** Removes the meetings booked in a loop round so that only the old one holds its id. */
    private static void cancelAllBut(Database db, String keep) throws Exception {
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM meetings WHERE meeting_id <> ?")) {
            s.setString(1, keep);
            s.executeUpdate();
        }
    }

    @Test
    void retentionShorterThanTheGraceIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new MeetingRules(Duration.ofMinutes(15), Duration.ofMinutes(60), Duration.ofMinutes(59)));
        assertThrows(IllegalArgumentException.class,
                () -> new MeetingRules(Duration.ofMinutes(-1), Duration.ofMinutes(60), Duration.ofDays(1)));
    }
}
