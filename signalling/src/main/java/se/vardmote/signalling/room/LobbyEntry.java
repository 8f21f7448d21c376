package se.vardmote.signalling.room;

import se.vardmote.signalling.meeting.Role;

/** One person waiting in a meeting's lobby, as clinicians see it. Immutable snapshot. */
public record LobbyEntry(String participantId, Role role, String displayName, JoinedVia joinedVia) {
}
