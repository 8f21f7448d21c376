package se.vardmote.signalling.meeting;

import java.time.Clock;
import java.util.List;
import se.vardmote.signalling.store.Database;

/** The append-only audit log of meetings, in the database. Thread-safe. */
public final class AuditLog {

    public AuditLog(Database database, Clock clock) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Appends an event stamped with the clock's time. Never throws for a database hiccup: logs and counts it. */
    public void record(String meetingId, String participantId, Role role, AuditAction action, String detail) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A meeting's events in the order they happened. */
    public List<AuditEvent> list(String meetingId) {
        throw new UnsupportedOperationException("TODO");
    }
}
