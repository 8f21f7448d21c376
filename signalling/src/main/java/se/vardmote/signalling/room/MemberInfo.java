package se.vardmote.signalling.room;

import se.vardmote.signalling.meeting.Role;

/**
 * What other participants see of a member. Immutable snapshot.
 *
 * @param identityVerified how a clinician verified the member's identity, or null when nobody has
 * @param joinedVia        browser or telephone
 * @param reconnecting     its connection dropped and it has not come back yet; it keeps its seat for the
 *                         room's reconnect grace, then leaves
 */
public record MemberInfo(String participantId, Role role, String displayName, boolean audioMuted, boolean videoMuted,
                         IdentityMethod identityVerified, JoinedVia joinedVia, boolean reconnecting) {
}
