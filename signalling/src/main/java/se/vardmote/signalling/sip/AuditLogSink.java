package se.vardmote.signalling.sip;

import java.lang.System.Logger.Level;
import se.vardmote.signalling.meeting.AuditAction;
import se.vardmote.signalling.meeting.AuditLog;
import se.vardmote.signalling.meeting.Role;

/**
 * {@link AuditSink} over the meetings' {@link AuditLog}. {@code dial_in}'s detail is
 * {@code <route> <masked number>}, e.g. {@code ivr Telefon ••• 1234}. Thread-safe.
 */
public final class AuditLogSink implements AuditSink {

    private static final System.Logger LOG = System.getLogger(AuditLogSink.class.getName());

    private final AuditLog log;
    private final boolean recordPinFailures;

    /**
     * @param recordPinFailures false when {@code MeetingService.checkLeaderPin} already records
     *                          {@code pin_failed} itself (its contract says it does), so there is one
     *                          record per wrong PIN, not two
     */
    public AuditLogSink(AuditLog log, boolean recordPinFailures) {
        this.log = log;
        this.recordPinFailures = recordPinFailures;
    }

    @Override
    public void dialIn(String meetingId, Role role, DialRoute route, String maskedNumber) {
        try {
            log.record(meetingId, null, role, AuditAction.DIAL_IN, route.wireName() + " " + maskedNumber);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit dial_in not recorded: " + e);
        }
    }

    @Override
    public void pinFailed(String meetingId, String maskedNumber) {
        if (!recordPinFailures) return;
        try {
            log.record(meetingId, null, null, AuditAction.PIN_FAILED, "phone " + maskedNumber);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit pin_failed not recorded: " + e);
        }
    }
}
