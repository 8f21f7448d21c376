package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * A validated {@code PATCH /api/meetings/{id}} body: any of {@code subject}, {@code lobby}, {@code startsAt},
 * {@code durationMinutes}; a null component means "leave as it is". Immutable.
 *
 * <p>Each field follows the booking's rules ({@link BookingRequest}), the personal-data rule for the subject
 * included. Fields that cannot change this way ({@code kind}, {@code participants}, ids) are refused rather
 * than ignored, so that a caller never believes it changed them; other unknown fields are ignored, as in a
 * booking.
 */
public record MeetingChange(String subject, Boolean lobby, Instant startsAt, Integer durationMinutes) {

    private static final Set<String> IMMUTABLE = Set.of("kind", "participants", "meetingId", "conferenceId",
            "status", "leaderPin");

    /** Whether the time of the meeting changes (an audited reschedule). */
    public boolean reschedules() {
        return startsAt != null || durationMinutes != null;
    }

    /**
     * @throws InvalidBookingException naming the offending field, or {@code body} when nothing would change
     */
    public static MeetingChange parse(JsonNode body) throws InvalidBookingException {
        if (body == null || !body.isObject()) {
            throw new InvalidBookingException("body", "the body must be a JSON object with any of subject, lobby, "
                    + "startsAt and durationMinutes");
        }
        for (String name : IMMUTABLE) {
            if (body.has(name)) {
                throw new InvalidBookingException(name, name + " cannot be changed"
                        + (name.equals("participants")
                                ? "; add or remove seats under /api/meetings/{id}/participants"
                                : "; book a new meeting instead"));
            }
        }
        String subject = present(body, "subject")
                ? BookingRequest.text(body, "subject", "subject", BookingRequest.MAX_SUBJECT_CHARS) : null;
        Boolean lobby = present(body, "lobby") ? BookingRequest.lobby(body) : null;
        Instant startsAt = present(body, "startsAt") ? BookingRequest.startsAt(body) : null;
        Integer duration = present(body, "durationMinutes") ? BookingRequest.durationMinutes(body) : null;
        if (subject == null && lobby == null && startsAt == null && duration == null) {
            throw new InvalidBookingException("body", "nothing to change: send any of subject, lobby, startsAt "
                    + "and durationMinutes");
        }
        return new MeetingChange(subject, lobby, startsAt, duration);
    }

    /** Present and not JSON null (null means "not sent", as a merge patch would read it, RFC 7396). */
    private static boolean present(JsonNode body, String name) {
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }
}
