package se.vardmote.signalling.meeting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.StoreException;

/**
 * The append-only audit log of meetings, in the {@code audit_events} table. Thread-safe: any thread may
 * record; each call uses its own connection.
 *
 * <p>Only inserts and reads: nothing in vardmote updates or deletes an audit row (a meeting's rows outlive
 * its cancellation). {@link #record} never throws: a visit must not fail because the audit write did; the
 * failure is logged (action and meeting id only) and counted in {@link #failedWrites()}.
 *
 * <p>Carries ids and roles, never names, tokens, PINs or phone numbers. As a second line of defence a
 * {@code detail} that holds five or more digits in a row (a PIN, a phone or personal identity number) or an
 * e-mail address is stored as {@code redacted}; details are cut to {@link #MAX_DETAIL_CHARS}.
 */
public final class AuditLog {

    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    public static final int MAX_DETAIL_CHARS = 64;
    /** Most events {@link #list} returns for one meeting; a visit produces a few dozen. */
    public static final int MAX_EVENTS_LISTED = 10_000;
    static final String REDACTED = "redacted";

    private final Database database;
    private final Clock clock;
    private final AtomicLong failedWrites = new AtomicLong();

    public AuditLog(Database database, Clock clock) {
        if (database == null || clock == null) throw new IllegalArgumentException("database and clock are required");
        this.database = database;
        this.clock = clock;
    }

    /** Appends an event stamped with the clock's time. Never throws for a database hiccup: logs and counts it. */
    public void record(String meetingId, String participantId, Role role, AuditAction action, String detail) {
        if (action == null) {
            LOG.log(System.Logger.Level.WARNING, "audit event without an action ignored");
            failedWrites.incrementAndGet();
            return;
        }
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("INSERT INTO audit_events"
                     + " (occurred_at, meeting_id, participant_id, role, event_type, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
            s.setString(2, clip(meetingId, 32));
            s.setString(3, clip(participantId, 32));
            s.setString(4, role == null ? null : role.wireName());
            s.setString(5, action.wireName());
            s.setString(6, safeDetail(detail));
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            failedWrites.incrementAndGet();
            // Ids and the action only: the detail could be the thing that failed, and exception messages of
            // JDBC drivers may quote parameters.
            LOG.log(System.Logger.Level.WARNING, "could not write audit event {0} for meeting {1} ({2})",
                    action.wireName(), meetingId, e.getClass().getName());
        }
    }

    /**
     * A meeting's events in the order they happened (at most {@link #MAX_EVENTS_LISTED}).
     *
     * @throws StoreException when the database cannot be read
     */
    public List<AuditEvent> list(String meetingId) {
        List<AuditEvent> events = new ArrayList<>();
        if (meetingId == null) return events;
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT occurred_at, participant_id, role, event_type, detail"
                     + " FROM audit_events WHERE meeting_id = ? ORDER BY occurred_at, event_id FETCH FIRST "
                     + MAX_EVENTS_LISTED + " ROWS ONLY")) {
            s.setString(1, meetingId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    AuditAction action = action(r.getString(4));
                    if (action == null) continue; // written by a newer version: skip rather than fail the read
                    events.add(new AuditEvent(r.getObject(1, OffsetDateTime.class).toInstant(), meetingId,
                            r.getString(2), Role.fromWire(r.getString(3)), action, r.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
        return events;
    }

    /**
     * The times of the meeting's most recent {@code limit} events of this action at or after {@code since},
     * newest first. Used by the PIN lockout.
     */
    List<Instant> recentTimes(String meetingId, AuditAction action, Instant since, int limit) {
        List<Instant> times = new ArrayList<>();
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT occurred_at FROM audit_events"
                     + " WHERE meeting_id = ? AND event_type = ? AND occurred_at >= ?"
                     + " ORDER BY occurred_at DESC, event_id DESC FETCH FIRST " + limit + " ROWS ONLY")) {
            s.setString(1, meetingId);
            s.setString(2, action.wireName());
            s.setObject(3, since.atOffset(ZoneOffset.UTC));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) times.add(r.getObject(1, OffsetDateTime.class).toInstant());
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
        return times;
    }

    /** Audit writes that failed since start; for metrics and tests. */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** The detail as stored: trimmed, at most {@link #MAX_DETAIL_CHARS}, {@code redacted} if it looks personal. */
    static String safeDetail(String detail) {
        if (detail == null) return null;
        String d = detail.strip();
        if (d.isEmpty()) return null;
        if (d.length() > MAX_DETAIL_CHARS) d = d.substring(0, MAX_DETAIL_CHARS);
        int run = 0;
        for (int i = 0; i < d.length(); i++) {
            char ch = d.charAt(i);
            run = Character.isDigit(ch) ? run + 1 : 0;
            if (run >= 5 || Character.isISOControl(ch)) return REDACTED;
        }
        if (SensitiveText.find(d).isPresent()) return REDACTED;
        return d;
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static AuditAction action(String wire) {
        if (wire == null) return null;
        try {
            return AuditAction.valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
