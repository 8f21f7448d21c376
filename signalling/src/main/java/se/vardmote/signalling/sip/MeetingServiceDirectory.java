package se.vardmote.signalling.sip;

import java.time.Clock;
import java.util.Optional;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.meeting.PinCheck;

/** {@link ConferenceDirectory} over the {@link MeetingService}. Thread-safe (the service is). */
public final class MeetingServiceDirectory implements ConferenceDirectory {

    private final MeetingService meetings;
    private final Clock clock;

    public MeetingServiceDirectory(MeetingService meetings, Clock clock) {
        this.meetings = meetings;
        this.clock = clock;
    }

    @Override
    public Optional<Meeting> findByConferenceId(String conferenceId) {
        return meetings.findByConferenceId(conferenceId);
    }

    @Override
    public boolean isOpenForJoining(Meeting meeting) {
        return meetings.isOpenForJoining(meeting, clock.instant());
    }

    @Override
    public PinCheck checkLeaderPin(String meetingId, String pin) {
        return meetings.checkLeaderPin(meetingId, pin);
    }
}
