package se.vardmote.signalling.sip;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.PinCheck;

/** Meetings by conference id; the leader PIN of every meeting is {@link #PIN}. Thread-safe. */
final class FakeConferenceDirectory implements ConferenceDirectory {

    static final String PIN = "4321";

    private final Map<String, Meeting> meetings = new ConcurrentHashMap<>();
    private final Map<String, Boolean> open = new ConcurrentHashMap<>();
    final AtomicInteger lookUps = new AtomicInteger();
    final AtomicInteger pinChecks = new AtomicInteger();
    volatile boolean locked;

    Meeting add(String conferenceId, boolean lobby, boolean isOpen) {
        Meeting m = new Meeting("m-" + conferenceId, conferenceId, "Besök", MeetingKind.GROUP, lobby,
                Instant.parse("2026-11-23T09:00:00Z"), 30, List.of());
        meetings.put(conferenceId, m);
        open.put(m.meetingId(), isOpen);
        return m;
    }

    @Override
    public Optional<Meeting> findByConferenceId(String conferenceId) {
        lookUps.incrementAndGet();
        return Optional.ofNullable(meetings.get(conferenceId));
    }

    @Override
    public boolean isOpenForJoining(Meeting meeting) {
        return open.getOrDefault(meeting.meetingId(), false);
    }

    @Override
    public PinCheck checkLeaderPin(String meetingId, String pin) {
        pinChecks.incrementAndGet();
        if (locked) return PinCheck.LOCKED;
        return PIN.equals(pin) ? PinCheck.ACCEPTED : PinCheck.REJECTED;
    }
}
