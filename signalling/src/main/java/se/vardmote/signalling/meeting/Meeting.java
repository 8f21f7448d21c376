package se.vardmote.signalling.meeting;

import java.time.Instant;
import java.util.List;

/** A booked video visit. Immutable. */
public record Meeting(
        String meetingId,
        String conferenceId,
        String subject,
        MeetingKind kind,
        boolean lobby,
        Instant startsAt,
        int durationMinutes,
        List<Participant> participants) {

    public Meeting {
        participants = List.copyOf(participants);
    }

    public Instant endsAt() {
        return startsAt.plusSeconds(60L * durationMinutes);
    }

    public java.util.Optional<Participant> participant(String participantId) {
        return participants.stream().filter(p -> p.participantId().equals(participantId)).findFirst();
    }
}
