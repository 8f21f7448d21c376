package se.vardmote.signalling.room;

import se.vardmote.signalling.meeting.Role;

/**
 * What other participants see of a member. Immutable snapshot.
 *
 * @param identityVerified how a clinician verified the member's identity, or null when nobody has
 * @param joinedVia        browser or telephone
 */
public record MemberInfo(String participantId, Role role, String displayName, boolean audioMuted, boolean videoMuted,
                         IdentityMethod identityVerified, JoinedVia joinedVia) {

    /** The foundation's shape: not verified, joined by video. */
    public MemberInfo(String participantId, Role role, String displayName, boolean audioMuted, boolean videoMuted) {
        this(participantId, role, displayName, audioMuted, videoMuted, null, JoinedVia.VIDEO);
    }
}
