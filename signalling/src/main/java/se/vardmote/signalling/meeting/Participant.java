package se.vardmote.signalling.meeting;

/** A booked seat in a meeting. Immutable. */
public record Participant(String participantId, Role role, String displayName) {
}
