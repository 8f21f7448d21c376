package se.vardmote.signalling.sip;

import se.vardmote.signalling.meeting.Role;

/**
 * Where dial-in writes its audit events. The production implementation is {@link AuditLogSink} over the
 * meeting audit log. Any thread; must not throw.
 */
public interface AuditSink {

    /**
     * A caller reached a meeting and was handed to admission: {@code dial_in} with the route and the
     * masked number ({@code Telefon ••• 1234}), never the number itself.
     */
    void dialIn(String meetingId, Role role, DialRoute route, String maskedNumber);

    /** A wrong leader PIN was entered on a call ({@code pin_failed}). Never the PIN. */
    void pinFailed(String meetingId, String maskedNumber);
}
