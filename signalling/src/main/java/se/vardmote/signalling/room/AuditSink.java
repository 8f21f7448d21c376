package se.vardmote.signalling.room;

import se.vardmote.signalling.meeting.AuditAction;
import se.vardmote.signalling.meeting.Role;

/**
 * Where the live rooms write audit events: {@code AuditLog::record} in the server, a list in tests.
 * Called with a room's lock held, so an implementation must not call back into the rooms; it should not
 * block for long either (the audit log writes one row). Never given names, tokens, PINs or numbers.
 */
@FunctionalInterface
public interface AuditSink {

    /** Audits nothing (the 4-argument {@code Signalling} constructor, tests that do not care). */
    AuditSink NONE = (meetingId, participantId, role, action, detail) -> { };

    /** Same shape as {@code AuditLog.record}. {@code participantId} and {@code role} are null for meeting-level events. */
    void record(String meetingId, String participantId, Role role, AuditAction action, String detail);
}
