package se.vardmote.signalling.meeting;

/**
 * What an audit event records. The wire name is the lower-case name. {@code UPDATED} (issue 3, added last):
 * the subject or the lobby setting changed without a change of time; its detail names the fields.
 */
public enum AuditAction {
    BOOKED, RESCHEDULED, CANCELLED, PARTICIPANT_ADDED, PARTICIPANT_REMOVED,
    JOINED, LEFT, WAITING, ADMITTED, DENIED, IDENTITY_VERIFIED, MUTED, REMOVED,
    DIAL_IN, PIN_FAILED, ENDED, UPDATED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
