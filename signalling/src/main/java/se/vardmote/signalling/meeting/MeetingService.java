package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * Books and finds meetings; stores them in the database. Thread-safe.
 */
public final class MeetingService {

    /** @param publicUrl base of join links, without trailing slash, e.g. {@code https://vard.example.se} */
    public MeetingService(Database database, TokenService tokens, String publicUrl, Clock clock) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Stores a new meeting with fresh ids, a conference id and one participant per requested seat. */
    public Meeting book(BookingRequest request) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Meeting> find(String meetingId) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The booking API's JSON for a meeting: {@code meetingId, conferenceId, subject, kind, lobby, startsAt,
     * durationMinutes, participants[{participantId, role, displayName, joinUrl}]} where joinUrl is
     * {@code <publicUrl>/join#<token>}.
     */
    public ObjectNode describe(Meeting meeting) {
        throw new UnsupportedOperationException("TODO");
    }
}
