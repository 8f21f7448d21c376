package se.vardmote.signalling.sip;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import se.vardmote.signalling.meeting.Role;

/** Records audit events as text lines. Thread-safe. */
final class FakeAuditSink implements AuditSink {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void dialIn(String meetingId, Role role, DialRoute route, String maskedNumber) {
        events.add("dial_in " + meetingId + " " + role.wireName() + " " + route.wireName() + " " + maskedNumber);
    }

    @Override
    public void pinFailed(String meetingId, String maskedNumber) {
        events.add("pin_failed " + meetingId + " " + maskedNumber);
    }
}
