package se.vardmote.signalling.meeting;

/**
 * A booking change that {@link MeetingService} refuses; {@link #reason()} says why and maps to an HTTP
 * status (404 for the not-found reasons, 409 for the rest). The message is plain words for the caller's
 * developer and never quotes names.
 */
public final class ChangeRefusedException extends RuntimeException {

    public enum Reason {
        /** No meeting with that id. */
        MEETING_NOT_FOUND("not_found"),
        /** The meeting has no seat with that participant id. */
        PARTICIPANT_NOT_FOUND("not_found"),
        /** The meeting was cancelled; it can no longer change. */
        CANCELLED("meeting_cancelled"),
        /** The meeting is over (past its end plus grace, or ended by the clinician). */
        ENDED("meeting_ended"),
        /** The booking already has the most seats a meeting may have (or a two-party one its two). */
        TOO_MANY_PARTICIPANTS("too_many_participants"),
        /** Removing the last seat would leave a meeting nobody can join: cancel it instead. */
        LAST_PARTICIPANT("last_participant");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The API's error code. */
        public String code() {
            return code;
        }

        public boolean isNotFound() {
            return this == MEETING_NOT_FOUND || this == PARTICIPANT_NOT_FOUND;
        }
    }

    private final Reason reason;

    public ChangeRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
