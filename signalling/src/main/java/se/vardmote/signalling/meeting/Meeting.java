package se.vardmote.signalling.meeting;

import java.time.Instant;
import java.util.List;

/**
 * A booked video visit. Immutable.
 *
 * <p>{@code status} was added in issue 3; the constructor without it (the original canonical one) makes a
 * {@link MeetingStatus#BOOKED} meeting, so code written against the first contract still compiles.
 */
public record Meeting(
        String meetingId,
        String conferenceId,
        String subject,
        MeetingKind kind,
        boolean lobby,
        Instant startsAt,
        int durationMinutes,
        List<Participant> participants,
        MeetingStatus status) {

    public Meeting {
        participants = List.copyOf(participants);
        if (status == null) status = MeetingStatus.BOOKED;
    }

    /** A meeting in status {@link MeetingStatus#BOOKED}. */
    public Meeting(String meetingId, String conferenceId, String subject, MeetingKind kind, boolean lobby,
                   Instant startsAt, int durationMinutes, List<Participant> participants) {
        this(meetingId, conferenceId, subject, kind, lobby, startsAt, durationMinutes, participants,
                MeetingStatus.BOOKED);
    }

    public Instant endsAt() {
        return startsAt.plusSeconds(60L * durationMinutes);
    }

    public boolean isCancelled() {
        return status == MeetingStatus.CANCELLED;
    }

    public java.util.Optional<Participant> participant(String participantId) {
        return participants.stream().filter(p -> p.participantId().equals(participantId)).findFirst();
    }
}
