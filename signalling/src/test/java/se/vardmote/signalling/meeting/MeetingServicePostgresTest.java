package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * The same migrations and queries on PostgreSQL. Runs only when {@code VARDMOTE_TEST_POSTGRES_URL} names a
 * scratch database on loopback, e.g. {@code jdbc:postgresql://127.0.0.1:55439/vardmote_test?user=vardmote};
 * it leaves its rows behind, so point it at a database made for the purpose.
 */
@EnabledIfEnvironmentVariable(named = "VARDMOTE_TEST_POSTGRES_URL", matches = "jdbc:postgresql://(127\\.0\\.0\\.1|\\[::1\\]|localhost)[:/].*")
class MeetingServicePostgresTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T07:00:00Z"), ZoneOffset.UTC);

    @Test
    void booksAndFindsAMeetingOnPostgreSql(@TempDir Path dataDir) throws Exception {
        String url = System.getenv("VARDMOTE_TEST_POSTGRES_URL");
        BookingRequest request = BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE));
        TokenService tokens = TokenService.fromDataDirectory(dataDir, CLOCK);
        Meeting booked;
        try (Database db = Database.open(url, null, null)) {
            booked = new MeetingService(db, tokens, "https://vard.example.se", CLOCK).book(request);
        }
        try (Database db = Database.open(url, null, null)) {
            MeetingService meetings = new MeetingService(db, tokens, "https://vard.example.se", CLOCK);
            assertEquals(Optional.of(booked), meetings.find(booked.meetingId()));
            assertEquals(Optional.of(booked), meetings.findByConferenceId(booked.conferenceId()));
            assertTrue(meetings.describe(booked).get("participants").get(0).get("joinUrl").asText().contains("/join#"));
        }
    }
}
