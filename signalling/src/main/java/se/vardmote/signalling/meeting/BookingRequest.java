package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A validated booking, as POSTed to /api/meetings. Immutable. */
public record BookingRequest(
        String subject,
        MeetingKind kind,
        boolean lobby,
        Instant startsAt,
        int durationMinutes,
        List<ParticipantRequest> participants) {

    public BookingRequest {
        participants = List.copyOf(participants);
    }

    public record ParticipantRequest(Role role, String displayName) {
    }

    /**
     * Validates a JSON body.
     *
     * @throws InvalidBookingException naming the first offending field (e.g. {@code participants[1].role})
     */
    public static BookingRequest parse(JsonNode body) throws InvalidBookingException {
        throw new UnsupportedOperationException("TODO");
    }
}
