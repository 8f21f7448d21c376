package se.vardmote.signalling.meeting;

import java.time.Duration;

/**
 * The operator's time rules for meetings. Immutable.
 *
 * @param joinEarly              how long before {@code startsAt} a meeting opens for joining (link or conference id)
 * @param joinGrace              how long after the booked end it stays open (visits overrun; a caller who
 *                               redials must reach the same visit); join tokens expire then too
 * @param conferenceIdRetention  how long after a meeting's end its conference id is never handed out again, so
 *                               that a caller with an old invitation never lands in someone else's visit; at
 *                               least {@code joinGrace}
 */
public record MeetingRules(Duration joinEarly, Duration joinGrace, Duration conferenceIdRetention) {

    public static final Duration DEFAULT_JOIN_EARLY = Duration.ofMinutes(15);
    public static final Duration DEFAULT_JOIN_GRACE = Duration.ofMinutes(60);
    public static final Duration DEFAULT_CONFERENCE_ID_RETENTION = Duration.ofDays(90);

    public MeetingRules {
        if (joinEarly == null || joinGrace == null || conferenceIdRetention == null) {
            throw new IllegalArgumentException("all three durations are required");
        }
        if (joinEarly.isNegative() || joinGrace.isNegative()) {
            throw new IllegalArgumentException("joinEarly and joinGrace must not be negative");
        }
        if (conferenceIdRetention.compareTo(joinGrace) < 0) {
            throw new IllegalArgumentException("conferenceIdRetention must be at least joinGrace: an id must not be "
                    + "handed out while its old meeting can still be joined");
        }
    }

    /** 15 minutes early, 60 minutes grace, ids retained 90 days. */
    public static MeetingRules defaults() {
        return new MeetingRules(DEFAULT_JOIN_EARLY, DEFAULT_JOIN_GRACE, DEFAULT_CONFERENCE_ID_RETENTION);
    }
}
