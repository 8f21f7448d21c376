package se.vardmote.signalling.token;

import java.time.Instant;
import se.vardmote.signalling.meeting.Role;

/** What a verified join token says. */
public record TokenClaims(String meetingId, String participantId, Role role, Instant expiresAt) {
}
