package se.vardmote.signalling.room;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What this process remembers of one meeting across the lives of its room, until the meeting's validity
 * ends: who has been admitted (a dropped connection takes its seat back without waiting again), whose
 * identity a clinician verified, who was removed (they come back only through the lobby), and whether the
 * meeting was ended (later joins are refused). Live state only: a restart forgets it, as it forgets rooms.
 *
 * <p>Touched by {@link Rooms} (under its lock) and by the meeting's {@link Room} (under the room's lock):
 * every method synchronises on this object, the innermost lock of all.
 */
final class MeetingMemory {
    private final Set<String> admitted = new HashSet<>();
    private final Set<String> removed = new HashSet<>();
    private final Map<String, IdentityMethod> verified = new HashMap<>();
    private String endedReason;
    private Instant forgetAfter;

    MeetingMemory(Instant forgetAfter) {
        this.forgetAfter = forgetAfter;
    }

    synchronized void admit(String participantId) {
        admitted.add(participantId);
        removed.remove(participantId);
    }

    synchronized boolean isAdmitted(String participantId) {
        return admitted.contains(participantId);
    }

    /** Takes back the admission: the participant must wait in the lobby if it comes back. */
    synchronized void revoke(String participantId) {
        admitted.remove(participantId);
        removed.add(participantId);
    }

    synchronized boolean wasRemoved(String participantId) {
        return removed.contains(participantId);
    }

    synchronized void verified(String participantId, IdentityMethod method) {
        verified.put(participantId, method);
    }

    synchronized IdentityMethod verification(String participantId) {
        return verified.get(participantId);
    }

    synchronized void end(String reason) {
        if (endedReason == null) endedReason = reason;
    }

    /** {@code ended} or {@code cancelled} once the meeting is over, else null. */
    synchronized String endedReason() {
        return endedReason;
    }

    /** A rescheduled meeting may run later than first thought: remember it until the latest end. */
    synchronized void keepUntil(Instant instant) {
        if (instant.isAfter(forgetAfter)) forgetAfter = instant;
    }

    synchronized boolean expired(Instant now) {
        return now.isAfter(forgetAfter);
    }
}
