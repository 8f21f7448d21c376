package se.vardmote.signalling.meeting;

/** Told by {@link MeetingService} when a booking changes under live participants. */
public interface MeetingListener {

    /** The meeting was cancelled: everyone in its room is told and removed. */
    void meetingCancelled(String meetingId);

    /** A seat was removed from the booking: that participant, if connected, is removed. */
    void participantRemoved(String meetingId, String participantId);
}
