package se.vardmote.signalling.room;

import java.util.List;
import se.vardmote.signalling.sdp.OfferedTrack;

/**
 * What a room tells one member's connection. Called with the room's lock held: implementations only
 * queue output (a WebSocket write), never call back into the room.
 */
public interface MemberListener {

    /** The member has its seat; {@code others} are those already in the room. Always the first call. */
    void joined(RoomMember self, List<MemberInfo> others);

    void participantJoined(MemberInfo participant);

    void participantLeft(String participantId);

    void participantUpdated(MemberInfo participant);

    /** A new offer on the member's subscribe connection; the member answers with the same version. */
    void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks);

    /** The same participant joined again on a newer connection; this one is no longer in the room. */
    void replaced();
}
