package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenClaims;
import se.vardmote.signalling.token.TokenService;

class MeetingServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T07:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private static BookingRequest request() throws Exception {
        return BookingRequest.parse(new ObjectMapper().readTree(BookingRequestTest.EXAMPLE));
    }

    private TokenService tokens() throws Exception {
        return TokenService.fromDataDirectory(dataDir, CLOCK);
    }

    @Test
    void bookedMeetingIsFoundAfterClosingAndReopeningTheDatabase() throws Exception {
        Meeting booked;
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            booked = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK).book(request());
        }
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK);
            assertEquals(Optional.of(booked), meetings.find(booked.meetingId()));
            assertEquals(Optional.of(booked), meetings.findByConferenceId(booked.conferenceId()));
        }
    }

    @Test
    void bookKeepsRequestFieldsAndSeatOrderWithFreshIds() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            Meeting m = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK).book(request());
            assertEquals("AB-82 Videobesök", m.subject());
            assertEquals(MeetingKind.TWO_PARTY, m.kind());
            assertEquals(Instant.parse("2026-12-01T08:00:00Z"), m.startsAt());
            assertEquals(Instant.parse("2026-12-01T08:30:00Z"), m.endsAt());
            assertEquals(List.of(Role.CLINICIAN, Role.PATIENT), m.participants().stream().map(Participant::role).toList());
            assertEquals(22, m.meetingId().length());
            assertTrue(m.meetingId().matches("[A-Za-z0-9_-]{22}"), m.meetingId());
            assertNotEquals(m.participants().get(0).participantId(), m.participants().get(1).participantId());
            assertTrue(ConferenceId.isValid(m.conferenceId()), m.conferenceId());
        }
    }

    @Test
    void findReturnsEmptyForUnknownOrMalformedIds() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK);
            assertEquals(Optional.empty(), meetings.find("AAAAAAAAAAAAAAAAAAAAAA"));
            assertEquals(Optional.empty(), meetings.find("'; DROP TABLE meetings; --"));
            assertEquals(Optional.empty(), meetings.find(null));
            assertEquals(Optional.empty(), meetings.findByConferenceId("123456781"));
            assertEquals(Optional.empty(), meetings.findByConferenceId("123456782"));
        }
    }

    @Test
    void conferenceIdsOfBookedMeetingsAreUniqueAndNotSequential() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK);
            Set<String> conferenceIds = new HashSet<>();
            Set<String> meetingIds = new HashSet<>();
            long previous = -1000;
            for (int i = 0; i < 200; i++) {
                Meeting m = meetings.book(request());
                assertTrue(conferenceIds.add(m.conferenceId()), "duplicate conference id " + m.conferenceId());
                assertTrue(meetingIds.add(m.meetingId()));
                long value = Long.parseLong(m.conferenceId());
                assertTrue(Math.abs(value - previous) > 10, "sequential: " + previous + " then " + value);
                previous = value;
            }
        }
    }

    @Test
    void conferenceIdIsReleasedOnlyAnHourAfterTheMeetingEnded() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            Meeting m = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK).book(request());
            Instant justInGrace = m.endsAt().plus(MeetingService.GRACE_AFTER_END).minusSeconds(1);
            Instant afterGrace = m.endsAt().plus(MeetingService.GRACE_AFTER_END).plusSeconds(1);
            assertEquals(Optional.of(m), new MeetingService(db, tokens(), "https://x", Clock.fixed(justInGrace, ZoneOffset.UTC))
                    .findByConferenceId(m.conferenceId()));
            assertEquals(Optional.empty(), new MeetingService(db, tokens(), "https://x", Clock.fixed(afterGrace, ZoneOffset.UTC))
                    .findByConferenceId(m.conferenceId()));
        }
    }

    @Test
    void bookingRetriesWhenTheDrawnConferenceIdIsTaken() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            MeetingService meetings = new MeetingService(db, tokens(), "https://vard.example.se", CLOCK);
            Meeting first = meetings.book(request());
            // Occupy a large share of the id space cheaply is not possible; instead make every stored meeting
            // hold the first id and check that new bookings still get a different one.
            try (Connection c = db.connection();
                 PreparedStatement s = c.prepareStatement("UPDATE meetings SET conference_id = ?")) {
                s.setString(1, first.conferenceId());
                s.executeUpdate();
            }
            for (int i = 0; i < 20; i++) assertNotEquals(first.conferenceId(), meetings.book(request()).conferenceId());
        }
    }

    @Test
    void describeGivesTheBookingJsonWithJoinLinksThatVerify() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dataDir), "sa", "")) {
            TokenService tokens = tokens();
            MeetingService meetings = new MeetingService(db, tokens, "https://vard.example.se/", CLOCK);
            Meeting m = meetings.book(request());
            ObjectNode json = meetings.describe(m);
            assertEquals(m.meetingId(), json.get("meetingId").asText());
            assertEquals(m.conferenceId(), json.get("conferenceId").asText());
            assertEquals("AB-82 Videobesök", json.get("subject").asText());
            assertEquals("two-party", json.get("kind").asText());
            assertTrue(json.get("lobby").asBoolean());
            assertEquals("2026-12-01T08:00:00Z", json.get("startsAt").asText());
            assertEquals(30, json.get("durationMinutes").asInt());
            assertEquals(2, json.get("participants").size());
            for (int i = 0; i < 2; i++) {
                JsonNode seat = json.get("participants").get(i);
                Participant p = m.participants().get(i);
                assertEquals(p.participantId(), seat.get("participantId").asText());
                assertEquals(p.role().wireName(), seat.get("role").asText());
                assertEquals(p.displayName(), seat.get("displayName").asText());
                String url = seat.get("joinUrl").asText();
                assertTrue(url.startsWith("https://vard.example.se/join#"), url);
                TokenClaims claims = tokens.verify(url.substring(url.indexOf('#') + 1));
                assertEquals(new TokenClaims(m.meetingId(), p.participantId(), p.role(),
                        m.endsAt().plus(MeetingService.GRACE_AFTER_END)), claims);
            }
            assertEquals("https://vard.example.se/check", json.get("checkUrl").asText(), "invitations may link the check; no token");
            // The parse of our own output as a booking round-trips the fields a booking system sends.
            BookingRequest again = BookingRequest.parse(json);
            assertEquals(request(), again);
        }
    }
}
