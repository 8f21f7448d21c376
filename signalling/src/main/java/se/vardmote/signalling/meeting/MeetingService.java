package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.StoreException;
import se.vardmote.signalling.token.TokenService;

/**
 * Books and finds meetings; stores them in the database. Thread-safe.
 *
 * <p>Owns id generation (meeting and participant ids: 128 random bits; conference ids: see
 * {@link ConferenceId}) and the mapping between {@link Meeting} and the {@code meetings} / {@code participants}
 * tables. Holds no meeting state in memory: every call reads or writes the database, so a restart loses
 * nothing and several nodes may share one PostgreSQL database.
 *
 * <p>{@link #book} is serialised in this process so that the conference-id check and the insert cannot
 * interleave; between nodes sharing a database two bookings would have to draw the same 8 random digits in
 * the same few milliseconds, which we accept.
 *
 * <p>Every method throws {@link StoreException} when the database fails.
 */
public final class MeetingService {

    private static final System.Logger LOG = System.getLogger(MeetingService.class.getName());

    /**
     * Join tokens stay valid this long after the booked end, and a conference id stays reserved for as long:
     * visits overrun, and a caller who redials must reach the same visit.
     */
    public static final Duration GRACE_AFTER_END = Duration.ofMinutes(60);
    /** Draws before giving up on finding a free conference id; each collides with p = live meetings / 9·10⁷. */
    private static final int CONFERENCE_ID_ATTEMPTS = 20;

    private final Database database;
    private final TokenService tokens;
    private final String publicUrl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Object bookingLock = new Object();

    /** @param publicUrl base of join links, without trailing slash, e.g. {@code https://vard.example.se} */
    public MeetingService(Database database, TokenService tokens, String publicUrl, Clock clock) {
        if (database == null || tokens == null || clock == null) {
            throw new IllegalArgumentException("database, tokens and clock are required");
        }
        if (publicUrl == null || publicUrl.isBlank()) throw new IllegalArgumentException("publicUrl is required");
        String base = publicUrl.strip();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        this.database = database;
        this.tokens = tokens;
        this.publicUrl = base;
        this.clock = clock;
    }

    /** Stores a new meeting with fresh ids, a conference id and one participant per requested seat. */
    public Meeting book(BookingRequest request) {
        String meetingId = OpaqueId.generate(random);
        List<Participant> participants = new ArrayList<>(request.participants().size());
        for (BookingRequest.ParticipantRequest p : request.participants()) {
            participants.add(new Participant(OpaqueId.generate(random), p.role(), p.displayName()));
        }
        Instant now = clock.instant();
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    String conferenceId = freeConferenceId(c, now);
                    Meeting meeting = new Meeting(meetingId, conferenceId, request.subject(), request.kind(),
                            request.lobby(), request.startsAt(), request.durationMinutes(), participants);
                    insert(c, meeting, now);
                    c.commit();
                    LOG.log(System.Logger.Level.INFO, "Booked meeting {0} ({1}, {2} participants, starts {3})",
                            meetingId, meeting.kind().wireName(), participants.size(), meeting.startsAt());
                    return meeting;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot store the meeting: " + e.getMessage(), e);
            }
        }
    }

    public Optional<Meeting> find(String meetingId) {
        if (!OpaqueId.looksValid(meetingId)) return Optional.empty();
        try (Connection c = database.connection()) {
            return load(c, meetingId);
        } catch (SQLException e) {
            throw new StoreException("cannot read meetings: " + e.getMessage(), e);
        }
    }

    /**
     * The meeting that holds this conference id now: not ended more than {@link #GRACE_AFTER_END} ago (it may
     * not have started yet; whether an early caller is let in is the caller's decision). Empty for an invalid
     * id (wrong length, failed check digit) without touching the database.
     */
    public Optional<Meeting> findByConferenceId(String conferenceId) {
        if (!ConferenceId.isValid(conferenceId)) return Optional.empty();
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT meeting_id FROM meetings WHERE conference_id = ? AND ends_at > ? "
                             + "ORDER BY starts_at FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, conferenceId);
            s.setObject(2, utc(clock.instant().minus(GRACE_AFTER_END)));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return load(c, r.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read meetings: " + e.getMessage(), e);
        }
    }

    /**
     * The booking API's JSON for a meeting: {@code meetingId, conferenceId, subject, kind, lobby, startsAt,
     * durationMinutes, participants[{participantId, role, displayName, joinUrl}]} where joinUrl is
     * {@code <publicUrl>/join#<token>}.
     *
     * <p>Each call issues fresh tokens, valid until the meeting's end plus {@link #GRACE_AFTER_END}. The token
     * rides in the fragment so that it never reaches a server log or a Referer header.
     */
    public ObjectNode describe(Meeting meeting) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.put("meetingId", meeting.meetingId());
        out.put("conferenceId", meeting.conferenceId());
        out.put("subject", meeting.subject());
        out.put("kind", meeting.kind().wireName());
        out.put("lobby", meeting.lobby());
        out.put("startsAt", meeting.startsAt().toString());
        out.put("durationMinutes", meeting.durationMinutes());
        Instant tokenExpiry = meeting.endsAt().plus(GRACE_AFTER_END);
        ArrayNode participants = out.putArray("participants");
        for (Participant p : meeting.participants()) {
            ObjectNode seat = participants.addObject();
            seat.put("participantId", p.participantId());
            seat.put("role", p.role().wireName());
            seat.put("displayName", p.displayName());
            String token = tokens.issue(meeting.meetingId(), p.participantId(), p.role(), tokenExpiry);
            seat.put("joinUrl", publicUrl + "/join#" + token);
        }
        return out;
    }

    /** Draws conference ids until one is not held by a meeting that is live or within its grace period. */
    private String freeConferenceId(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM meetings WHERE conference_id = ? AND ends_at > ?")) {
            for (int attempt = 0; attempt < CONFERENCE_ID_ATTEMPTS; attempt++) {
                String candidate = ConferenceId.generate(random);
                s.setString(1, candidate);
                s.setObject(2, utc(now.minus(GRACE_AFTER_END)));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return candidate;
                }
            }
        }
        throw new StoreException("no free conference id after " + CONFERENCE_ID_ATTEMPTS + " attempts");
    }

    private static void insert(Connection c, Meeting m, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO meetings (meeting_id, conference_id, subject, kind, lobby, starts_at, duration_minutes,"
                        + " ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, m.meetingId());
            s.setString(2, m.conferenceId());
            s.setString(3, m.subject());
            s.setString(4, m.kind().wireName());
            s.setBoolean(5, m.lobby());
            s.setObject(6, utc(m.startsAt()));
            s.setInt(7, m.durationMinutes());
            s.setObject(8, utc(m.endsAt()));
            s.setObject(9, utc(now));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO participants (participant_id, meeting_id, seat, role, display_name)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
            int seat = 0;
            for (Participant p : m.participants()) {
                s.setString(1, p.participantId());
                s.setString(2, m.meetingId());
                s.setInt(3, seat++);
                s.setString(4, p.role().wireName());
                s.setString(5, p.displayName());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static Optional<Meeting> load(Connection c, String meetingId) throws SQLException {
        String conferenceId;
        String subject;
        MeetingKind kind;
        boolean lobby;
        Instant startsAt;
        int durationMinutes;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT conference_id, subject, kind, lobby, starts_at, duration_minutes FROM meetings"
                        + " WHERE meeting_id = ?")) {
            s.setString(1, meetingId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                conferenceId = r.getString(1);
                subject = r.getString(2);
                kind = MeetingKind.fromWire(r.getString(3));
                lobby = r.getBoolean(4);
                startsAt = r.getObject(5, OffsetDateTime.class).toInstant();
                durationMinutes = r.getInt(6);
            }
        }
        if (kind == null) throw new StoreException("meeting " + meetingId + " has an unknown kind in the database");
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
                participants));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    // --- added for issue 3; the meetings engineer implements these ---

    /** Hears cancellations and removed seats (the live rooms register here). */
    public void addListener(MeetingListener listener) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Checks a leader PIN for the meeting: at most 10 wrong PINs per meeting within 15 minutes,
     * then locked for 15 minutes. Wrong attempts are audited as pin_failed. The PIN is never logged.
     */
    public PinCheck checkLeaderPin(String meetingId, String pin) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Whether the meeting can be joined (by link or conference id) at {@code now}: not cancelled, from
     * the configured time before its start until its end plus the grace period.
     */
    public boolean isOpenForJoining(Meeting meeting, java.time.Instant now) {
        throw new UnsupportedOperationException("TODO");
    }
}
