package se.vardmote.signalling.room;

import java.util.List;
import se.vardmote.signalling.sdp.OfferedTrack;

/**
 * What a room tells one member's connection. Called with the room's lock held, from whichever thread acted
 * (the member's own, a clinician's, the booking API's): implementations only queue output (a WebSocket
 * write, a SIP BYE), never call back into the room.
 *
 * <p>A member starts either seated ({@link #joined}) or in the lobby ({@link #waiting}); a waiting member is
 * later seated ({@link #joined}) or {@link #dismissed}. Whatever ends the membership is the last call:
 * {@link #replaced}, {@link #dismissed} or {@link #meetingEnded}; after it the member is out of the room.
 */
public interface MemberListener {

    /**
     * For a member whose audio does not come over WebRTC (a phone caller): joins its media to the
     * room's router when it is seated and returns the stream it publishes there. Null for browsers.
     */
    default java.util.function.Function<se.vardmote.media.router.Router, se.vardmote.media.router.PublishedStream> localAudio() {
        return null;
    }

    /** The member has its seat; {@code others} are those already in the room. */
    void joined(RoomMember self, List<MemberInfo> others);

    /**
     * As {@link #joined(RoomMember, List)}, with the lobby as it is now: non-empty only for clinicians, who
     * see who waits. The room calls this one; the default forwards to the two-argument form.
     */
    default void joined(RoomMember self, List<MemberInfo> others, List<LobbyEntry> lobby) {
        joined(self, others);
    }

    /** The member waits in the lobby until a clinician admits it; it learns nothing else of the room. */
    void waiting(RoomMember self);

    /** The lobby changed (someone arrived, left, was admitted or denied). Told to seated clinicians only. */
    default void lobbyUpdated(List<LobbyEntry> lobby) {
    }

    void participantJoined(MemberInfo participant);

    void participantLeft(String participantId);

    /** Someone's mute state or identity verification changed. */
    void participantUpdated(MemberInfo participant);

    /** A new offer on the member's subscribe connection; the member answers with the same version. */
    void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks);

    /** A clinician ({@code byParticipantId}) muted this member: it should mute its microphone. */
    default void mutedBy(String byParticipantId) {
    }

    /**
     * The member's microphone state as the room holds it changed (by the member or a clinician). For
     * members whose microphone the server itself carries (a phone caller), which must follow it.
     */
    /**
     * The server is shutting down: this visit goes on until {@code closesAt} at the latest; no new visit
     * starts here meanwhile.
     */
    default void serverDraining(java.time.Instant closesAt) {
    }

    default void audioMuteChanged(boolean muted) {
    }

    /** The same participant joined again on a newer connection; this one is no longer in the room. */
    void replaced();

    /**
     * The member is out of the room by someone's decision: {@code denied} (not let in from the lobby) or
     * {@code removed} (by a clinician, or its seat was removed from the booking).
     */
    void dismissed(String code, String message);

    /** The meeting ended ({@code reason}: {@code ended} by a clinician, {@code cancelled} by the booking). */
    void meetingEnded(String reason);
}
