package se.vardmote.signalling.room;

import java.time.Instant;
import se.vardmote.signalling.meeting.Meeting;

/**
 * Whether a meeting may be joined at an instant: {@code MeetingService::isOpenForJoining} in the server (from
 * a configured time before the start until the end plus the grace period, never when cancelled). Injectable
 * so that room tests need no clock.
 */
@FunctionalInterface
public interface JoinWindow {

    /** Every meeting is always open (tests, and a booking side that has no window yet). */
    JoinWindow ALWAYS = (meeting, now) -> true;

    boolean isOpen(Meeting meeting, Instant now);
}
