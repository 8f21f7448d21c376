package se.vardmote.signalling.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.MeetingStatus;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;

/**
 * Meetings and their seats in the {@code meetings} and {@code participants} tables: the SQL, and the mapping
 * between rows and {@link Meeting}. Decides nothing: what may change is {@code MeetingService}'s business.
 * Thread-safe: each read and each {@link #inTransaction transaction} uses its own connection.
 *
 * <p>Every method throws {@link StoreException} when the database fails; the message starts with what was being
 * done ({@code cannot read meetings: ...}).
 */
public final class MeetingStore {

    /** Work inside one transaction; see {@link #inTransaction}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Transaction tx) throws SQLException;
    }

    private final Database database;

    public MeetingStore(Database database) {
        if (database == null) throw new IllegalArgumentException("database is required");
        this.database = database;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. A runtime
     * exception (a refusal) is rethrown as it is; a database failure becomes {@link StoreException} with
     * {@code failure} ({@code "cannot store the meeting"}) and the driver's message.
     */
    public <T> T inTransaction(String failure, Work<T> work) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(new Transaction(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(failure + ": " + e.getMessage(), e);
        }
    }

    /** The meeting with this id, read outside any transaction. */
    public Optional<Meeting> find(String meetingId) {
        try (Connection c = database.connection()) {
            return load(c, meetingId, false);
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /** The earliest-starting meeting holding this conference id that ended after {@code endedAfter}. */
    public Optional<Meeting> findByConferenceId(String conferenceId, Instant endedAfter) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT meeting_id FROM meetings WHERE conference_id = ? AND ends_at > ? "
                             + "ORDER BY starts_at FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, conferenceId);
            s.setObject(2, utc(endedAfter));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return load(c, r.getString(1), false);
            }
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /**
     * Meetings starting in {@code [from, to)} and after the keyset ({@code afterStartsAt}, {@code afterMeetingId})
     * when it is not null, ordered by start time then id: at most {@code max}.
     */
    public List<Meeting> startingBetween(Instant from, Instant to, Instant afterStartsAt, String afterMeetingId,
                                         int max) {
        boolean after = afterStartsAt != null;
        String sql = "SELECT meeting_id FROM meetings WHERE starts_at >= ? AND starts_at < ?"
                + (after ? " AND (starts_at > ? OR (starts_at = ? AND meeting_id > ?))" : "")
                + " ORDER BY starts_at, meeting_id FETCH FIRST " + max + " ROWS ONLY";
        try (Connection c = database.connection()) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, utc(from));
                s.setObject(2, utc(to));
                if (after) {
                    s.setObject(3, utc(afterStartsAt));
                    s.setObject(4, utc(afterStartsAt));
                    s.setString(5, afterMeetingId);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) ids.add(r.getString(1));
                }
            }
            List<Meeting> meetings = new ArrayList<>(ids.size());
            for (String id : ids) load(c, id, false).ifPresent(meetings::add);
            return meetings;
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /** The stored leader-PIN hash of the meeting; empty when there is no such meeting. */
    public Optional<String> leaderPinHash(String meetingId) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT leader_pin_hash FROM meetings WHERE meeting_id = ?")) {
            s.setString(1, meetingId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /** One transaction's view of the tables; valid only inside its {@link #inTransaction} call. */
    public static final class Transaction {
        private final Connection c;

        private Transaction(Connection c) {
            this.c = c;
        }

        /** Loads the meeting and locks its row until the transaction ends ({@code SELECT ... FOR UPDATE}). */
        public Optional<Meeting> lock(String meetingId) throws SQLException {
            return load(c, meetingId, true);
        }

        /** Whether a meeting that ended after {@code endedAfter} holds this conference id. */
        public boolean conferenceIdHeld(String conferenceId, Instant endedAfter) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM meetings WHERE conference_id = ? AND ends_at > ?")) {
                s.setString(1, conferenceId);
                s.setObject(2, utc(endedAfter));
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        }

        /** Stores a new meeting and its seats, in the order of {@link Meeting#participants()}. */
        public void insert(Meeting m, String pinHash, Instant createdAt) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO meetings (meeting_id, conference_id, subject, kind, lobby, starts_at, duration_minutes,"
                            + " ends_at, created_at, status, leader_pin_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, m.meetingId());
                s.setString(2, m.conferenceId());
                s.setString(3, m.subject());
                s.setString(4, m.kind().wireName());
                s.setBoolean(5, m.lobby());
                s.setObject(6, utc(m.startsAt()));
                s.setInt(7, m.durationMinutes());
                s.setObject(8, utc(m.endsAt()));
                s.setObject(9, utc(createdAt));
                s.setString(10, m.status().wireName());
                s.setString(11, pinHash);
                s.executeUpdate();
            }
            int seat = 0;
            for (Participant p : m.participants()) insertParticipant(m.meetingId(), seat++, p);
        }

        /** Writes subject, lobby and time of an existing meeting. */
        public void updateDetails(Meeting m) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("UPDATE meetings SET subject = ?, lobby = ?,"
                    + " starts_at = ?, duration_minutes = ?, ends_at = ? WHERE meeting_id = ?")) {
                s.setString(1, m.subject());
                s.setBoolean(2, m.lobby());
                s.setObject(3, utc(m.startsAt()));
                s.setInt(4, m.durationMinutes());
                s.setObject(5, utc(m.endsAt()));
                s.setString(6, m.meetingId());
                s.executeUpdate();
            }
        }

        public void markCancelled(String meetingId, Instant cancelledAt) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE meetings SET status = ?, cancelled_at = ? WHERE meeting_id = ?")) {
                s.setString(1, MeetingStatus.CANCELLED.wireName());
                s.setObject(2, utc(cancelledAt));
                s.setString(3, meetingId);
                s.executeUpdate();
            }
        }

        /** Adds a seat after the meeting's last one. */
        public void appendParticipant(String meetingId, Participant p) throws SQLException {
            int nextSeat;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(MAX(seat), -1) + 1 FROM participants WHERE meeting_id = ?")) {
                s.setString(1, meetingId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    nextSeat = r.getInt(1);
                }
            }
            insertParticipant(meetingId, nextSeat, p);
        }

        public void deleteParticipant(String meetingId, String participantId) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM participants WHERE meeting_id = ? AND participant_id = ?")) {
                s.setString(1, meetingId);
                s.setString(2, participantId);
                s.executeUpdate();
            }
        }

        private void insertParticipant(String meetingId, int seat, Participant p) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO participants (participant_id, meeting_id, seat, role, display_name)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, p.participantId());
                s.setString(2, meetingId);
                s.setInt(3, seat);
                s.setString(4, p.role().wireName());
                s.setString(5, p.displayName());
                s.executeUpdate();
            }
        }
    }

    private static Optional<Meeting> load(Connection c, String meetingId, boolean forUpdate) throws SQLException {
        String conferenceId;
        String subject;
        MeetingKind kind;
        boolean lobby;
        Instant startsAt;
        int durationMinutes;
        MeetingStatus status;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT conference_id, subject, kind, lobby, starts_at, duration_minutes, status FROM meetings"
                        + " WHERE meeting_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, meetingId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                conferenceId = r.getString(1);
                subject = r.getString(2);
                kind = MeetingKind.fromWire(r.getString(3));
                lobby = r.getBoolean(4);
                startsAt = r.getObject(5, OffsetDateTime.class).toInstant();
                durationMinutes = r.getInt(6);
                status = MeetingStatus.fromWire(r.getString(7));
            }
        }
        if (kind == null) throw new StoreException("meeting " + meetingId + " has an unknown kind in the database");
        if (status == null) throw new StoreException("meeting " + meetingId + " has an unknown status in the database");
        List<Participant> participants = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT participant_id, role, display_name FROM participants WHERE meeting_id = ? ORDER BY seat")) {
            s.setString(1, meetingId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Role role = Role.fromWire(r.getString(2));
                    if (role == null) {
                        throw new StoreException("meeting " + meetingId + " has a participant with an unknown role");
                    }
                    participants.add(new Participant(r.getString(1), role, r.getString(3)));
                }
            }
        }
        return Optional.of(new Meeting(meetingId, conferenceId, subject, kind, lobby, startsAt, durationMinutes,
                participants, status));
    }

    private static StoreException readFailed(SQLException e) {
        return new StoreException("cannot read meetings: " + e.getMessage(), e);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
