package se.vardmote.signalling.sip;

import java.util.Optional;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.PinCheck;

/**
 * What dial-in needs to know about meetings. The production implementation is
 * {@link MeetingServiceDirectory}; tests use fakes. Called on the SIP call thread; may block briefly on
 * the database.
 */
public interface ConferenceDirectory {

    /** The meeting holding this conference id now (the id is already Luhn-checked), or empty. */
    Optional<Meeting> findByConferenceId(String conferenceId);

    /** Whether callers may join this meeting now (not cancelled; inside its joining window). */
    boolean isOpenForJoining(Meeting meeting);

    /**
     * Checks a leader PIN; the implementation counts failures per meeting and locks after too many. The
     * PIN is never logged.
     */
    PinCheck checkLeaderPin(String meetingId, String pin);
}
