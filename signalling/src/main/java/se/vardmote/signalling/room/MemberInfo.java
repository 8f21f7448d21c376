package se.vardmote.signalling.room;

import se.vardmote.signalling.meeting.Role;

/** What other participants see of a member. Immutable snapshot. */
public record MemberInfo(String participantId, Role role, String displayName, boolean audioMuted, boolean videoMuted) {
}
