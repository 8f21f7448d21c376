package se.vardmote.signalling.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes what the server no longer needs: every meeting that ended longer ago than the retention period,
 * with its participants and its audit events, and audit events of no meeting older than that. Records of
 * care belong in the patient record system, not here; what is kept is only what running visits and their
 * follow-up (the audit trail a region asks for within its retention) need.
 *
 * <p>Blocking (JDBC): call it from a thread that may wait, never from an event loop. Thread-safe; each call
 * uses its own connection and transaction.
 */
public final class RetentionPurge {
    private static final System.Logger LOG = System.getLogger(RetentionPurge.class.getName());

    /** What one purge deleted. */
    public record Purged(int meetings, int auditEvents) {
    }

    private final Database database;
    private final Duration retention;
    private final Clock clock;

    public RetentionPurge(Database database, Duration retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) throw new IllegalArgumentException("retention must be positive");
        this.database = database;
        this.retention = retention;
        this.clock = clock;
    }

    /** Deletes what ended (or happened) before now minus the retention period, in one transaction. */
    public Purged purge() throws SQLException {
        OffsetDateTime cutoff = clock.instant().minus(retention).atOffset(ZoneOffset.UTC);
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                int audit;
                try (PreparedStatement s = c.prepareStatement("DELETE FROM audit_events WHERE meeting_id IN "
                        + "(SELECT meeting_id FROM meetings WHERE ends_at < ?) OR (meeting_id IS NULL AND occurred_at < ?)")) {
                    s.setObject(1, cutoff);
                    s.setObject(2, cutoff);
                    audit = s.executeUpdate();
                }
                int meetings;
                try (PreparedStatement s = c.prepareStatement("DELETE FROM meetings WHERE ends_at < ?")) {
                    s.setObject(1, cutoff); // participants go with them (ON DELETE CASCADE)
                    meetings = s.executeUpdate();
                }
                c.commit();
                if (meetings > 0 || audit > 0) {
                    LOG.log(System.Logger.Level.INFO, "retention: deleted {0} meetings and {1} audit events that ended before {2}",
                            meetings, audit, cutoff.toInstant());
                }
                return new Purged(meetings, audit);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
