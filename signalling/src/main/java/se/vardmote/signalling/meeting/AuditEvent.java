package se.vardmote.signalling.meeting;

import java.time.Instant;

/**
 * One append-only audit record. Carries ids and roles, never names, tokens, PINs or phone numbers.
 *
 * @param participantId null for meeting-level events (booked, ended, ...)
 * @param role          null when no participant is involved
 * @param detail        a short machine-readable qualifier (e.g. {@code video}, {@code audio},
 *                      {@code phone}, {@code bankid}, {@code ivr}, a masked number) or null
 */
public record AuditEvent(Instant at, String meetingId, String participantId, Role role, AuditAction action, String detail) {
}
