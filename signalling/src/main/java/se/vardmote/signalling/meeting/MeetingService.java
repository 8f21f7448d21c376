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
import java.util.concurrent.CopyOnWriteArrayList;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.StoreException;
import se.vardmote.signalling.token.TokenService;

/**
 * Books, changes, cancels and finds meetings; stores them in the database; checks leader PINs; writes the
 * booking side of the audit log. Thread-safe.
 *
 * <p>Owns id generation (meeting and participant ids: 128 random bits; conference ids: see
 * {@link ConferenceId}; leader PINs: see {@link LeaderPin}) and the mapping between {@link Meeting} and the
 * {@code meetings} / {@code participants} tables. Holds no meeting state in memory: every call reads or writes
 * the database, so a restart loses nothing and several nodes may share one PostgreSQL database.
 *
 * <p>Changes to a booking ({@link #book}, {@link #change}, {@link #cancel}, seats) are serialised in this
 * process so that the conference-id check and the insert, or a status check and its update, cannot
 * interleave; between nodes, changes lock the meeting's row ({@code SELECT ... FOR UPDATE}), and two bookings
 * would have to draw the same 8 random digits in the same few milliseconds, which we accept.
 *
 * <p>Listeners ({@link #addListener}) are called on the calling thread after the change is committed;
 * a listener that throws is logged and does not undo the change.
 *
 * <p>Every method throws {@link StoreException} when the database fails.
 */
public final class MeetingService {

    private static final System.Logger LOG = System.getLogger(MeetingService.class.getName());

    /**
     * The default grace after the booked end ({@link MeetingRules#DEFAULT_JOIN_GRACE}): join tokens stay
     * valid this long after the end, and the meeting stays joinable by conference id.
     */
    public static final Duration GRACE_AFTER_END = MeetingRules.DEFAULT_JOIN_GRACE;
    /** Wrong leader PINs per meeting within {@link #PIN_WINDOW} that lock PIN entry for {@link #PIN_LOCK}. */
    public static final int PIN_MAX_FAILURES = 10;
    public static final Duration PIN_WINDOW = Duration.ofMinutes(15);
    public static final Duration PIN_LOCK = Duration.ofMinutes(15);
    /** Largest page of {@link #list}. */
    public static final int MAX_PAGE_SIZE = 100;
    /** Longest time window {@link #list} accepts. */
    public static final Duration MAX_LIST_WINDOW = Duration.ofDays(366);
    /** Draws before giving up on finding a free conference id; each collides with p = held ids / 9·10⁷. */
    private static final int CONFERENCE_ID_ATTEMPTS = 20;
    private static final int PIN_LOCK_STRIPES = 64;

    private final Database database;
    private final TokenService tokens;
    private final String publicUrl;
    private final Clock clock;
    private final AuditLog audit;
    private final MeetingRules rules;
    private final SecureRandom random = new SecureRandom();
    private final Object bookingLock = new Object();
    private final Object[] pinLocks = new Object[PIN_LOCK_STRIPES];
    private final List<MeetingListener> listeners = new CopyOnWriteArrayList<>();
    /** Where conference ids come from; tests replace it to force collisions. */
    private volatile java.util.function.Supplier<String> conferenceIdDraw = () -> ConferenceId.generate(random);

    /** With its own {@link AuditLog} on the same database and {@link MeetingRules#defaults()}. */
    public MeetingService(Database database, TokenService tokens, String publicUrl, Clock clock) {
        this(database, tokens, publicUrl, clock, database == null ? null : new AuditLog(database, clock));
    }

    /** With {@link MeetingRules#defaults()}. */
    public MeetingService(Database database, TokenService tokens, String publicUrl, Clock clock, AuditLog audit) {
        this(database, tokens, publicUrl, clock, audit, MeetingRules.defaults());
    }

    /** @param publicUrl base of join links, without trailing slash, e.g. {@code https://vard.example.se} */
    public MeetingService(Database database, TokenService tokens, String publicUrl, Clock clock, AuditLog audit,
                          MeetingRules rules) {
        if (database == null || tokens == null || clock == null || audit == null || rules == null) {
            throw new IllegalArgumentException("database, tokens, clock, audit log and rules are required");
        }
        if (publicUrl == null || publicUrl.isBlank()) throw new IllegalArgumentException("publicUrl is required");
        String base = publicUrl.strip();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        this.database = database;
        this.tokens = tokens;
        this.publicUrl = base;
        this.clock = clock;
        this.audit = audit;
        this.rules = rules;
        for (int i = 0; i < PIN_LOCK_STRIPES; i++) pinLocks[i] = new Object();
    }

    /** The audit log this service writes to. */
    public AuditLog auditLog() {
        return audit;
    }

    public MeetingRules rules() {
        return rules;
    }

    /** Stores a new meeting with fresh ids, a conference id and one participant per requested seat. */
    public Meeting book(BookingRequest request) {
        return bookWithLeaderPin(request).meeting();
    }

    /**
     * Books like {@link #book} and returns the leader PIN in clear, the only time it is available (only its
     * hash is stored). Audits {@code booked}.
     */
    public NewBooking bookWithLeaderPin(BookingRequest request) {
        String meetingId = OpaqueId.generate(random);
        List<Participant> participants = new ArrayList<>(request.participants().size());
        for (BookingRequest.ParticipantRequest p : request.participants()) {
            participants.add(new Participant(OpaqueId.generate(random), p.role(), p.displayName()));
        }
        String pin = LeaderPin.generate(random);
        String pinHash = LeaderPin.hash(pin, random); // tens of ms: outside the lock
        Instant now = clock.instant();
        Meeting meeting;
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    String conferenceId = freeConferenceId(c, now);
                    meeting = new Meeting(meetingId, conferenceId, request.subject(), request.kind(),
                            request.lobby(), request.startsAt(), request.durationMinutes(), participants);
                    insert(c, meeting, pinHash, now);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot store the meeting: " + e.getMessage(), e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "Booked meeting {0} ({1}, {2} participants, starts {3})",
                meetingId, meeting.kind().wireName(), participants.size(), meeting.startsAt());
        audit.record(meetingId, null, null, AuditAction.BOOKED, meeting.kind().wireName());
        return new NewBooking(meeting, pin);
    }

    public Optional<Meeting> find(String meetingId) {
        if (!OpaqueId.looksValid(meetingId)) return Optional.empty();
        try (Connection c = database.connection()) {
            return load(c, meetingId, false);
        } catch (SQLException e) {
            throw new StoreException("cannot read meetings: " + e.getMessage(), e);
        }
    }

    /**
     * The meeting that holds this conference id now: not ended more than the join grace ago (it may not have
     * started yet, and it may be cancelled: a cancelled meeting keeps its id reserved). Whether the caller may
     * enter is {@link #isOpenForJoining}'s answer. Empty for an invalid id (wrong length, failed check digit)
     * without touching the database.
     */
    public Optional<Meeting> findByConferenceId(String conferenceId) {
        if (!ConferenceId.isValid(conferenceId)) return Optional.empty();
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT meeting_id FROM meetings WHERE conference_id = ? AND ends_at > ? "
                             + "ORDER BY starts_at FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, conferenceId);
            s.setObject(2, utc(clock.instant().minus(rules.joinGrace())));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return load(c, r.getString(1), false);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read meetings: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the meeting can be joined (by link or conference id) at {@code now}: not cancelled, from
     * {@link MeetingRules#joinEarly()} before its start until its end plus {@link MeetingRules#joinGrace()}
     * (start inclusive, end exclusive). Pure: reads no database.
     */
    public boolean isOpenForJoining(Meeting meeting, Instant now) {
        if (meeting == null || now == null || meeting.isCancelled()) return false;
        return !now.isBefore(meeting.startsAt().minus(rules.joinEarly()))
                && now.isBefore(meeting.endsAt().plus(rules.joinGrace()));
    }

    /**
     * Changes subject, lobby or time of a booked meeting. Audits {@code rescheduled} (time changed) or
     * {@code updated} (only subject/lobby), with the changed field names as detail. The conference id stays.
     *
     * @throws ChangeRefusedException MEETING_NOT_FOUND, CANCELLED or ENDED
     */
    public Meeting change(String meetingId, MeetingChange change) {
        Meeting updated;
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    Meeting m = lockForChange(c, meetingId);
                    updated = new Meeting(m.meetingId(), m.conferenceId(),
                            change.subject() != null ? change.subject() : m.subject(), m.kind(),
                            change.lobby() != null ? change.lobby() : m.lobby(),
                            change.startsAt() != null ? change.startsAt() : m.startsAt(),
                            change.durationMinutes() != null ? change.durationMinutes() : m.durationMinutes(),
                            m.participants(), m.status());
                    try (PreparedStatement s = c.prepareStatement("UPDATE meetings SET subject = ?, lobby = ?,"
                            + " starts_at = ?, duration_minutes = ?, ends_at = ? WHERE meeting_id = ?")) {
                        s.setString(1, updated.subject());
                        s.setBoolean(2, updated.lobby());
                        s.setObject(3, utc(updated.startsAt()));
                        s.setInt(4, updated.durationMinutes());
                        s.setObject(5, utc(updated.endsAt()));
                        s.setString(6, meetingId);
                        s.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot change the meeting: " + e.getMessage(), e);
            }
        }
        List<String> fields = new ArrayList<>();
        if (change.subject() != null) fields.add("subject");
        if (change.lobby() != null) fields.add("lobby");
        if (change.startsAt() != null) fields.add("startsAt");
        if (change.durationMinutes() != null) fields.add("durationMinutes");
        audit.record(meetingId, null, null, change.reschedules() ? AuditAction.RESCHEDULED : AuditAction.UPDATED,
                String.join(",", fields));
        return updated;
    }

    /**
     * Cancels a meeting: status {@code cancelled}, never joinable again, conference id kept reserved. Audits
     * {@code cancelled} and tells the listeners (the live room removes everyone).
     *
     * @throws ChangeRefusedException MEETING_NOT_FOUND, CANCELLED (already) or ENDED
     */
    public Meeting cancel(String meetingId) {
        Meeting cancelled;
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    Meeting m = lockForChange(c, meetingId);
                    try (PreparedStatement s = c.prepareStatement(
                            "UPDATE meetings SET status = ?, cancelled_at = ? WHERE meeting_id = ?")) {
                        s.setString(1, MeetingStatus.CANCELLED.wireName());
                        s.setObject(2, utc(clock.instant()));
                        s.setString(3, meetingId);
                        s.executeUpdate();
                    }
                    c.commit();
                    cancelled = new Meeting(m.meetingId(), m.conferenceId(), m.subject(), m.kind(), m.lobby(),
                            m.startsAt(), m.durationMinutes(), m.participants(), MeetingStatus.CANCELLED);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot cancel the meeting: " + e.getMessage(), e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "Cancelled meeting {0}", meetingId);
        audit.record(meetingId, null, null, AuditAction.CANCELLED, null);
        for (MeetingListener l : listeners) {
            try {
                l.meetingCancelled(meetingId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a meeting listener failed on cancellation of " + meetingId, e);
            }
        }
        return cancelled;
    }

    /**
     * Adds a seat to a booked meeting (a guardian, a second clinician, an interpreter). Audits
     * {@code participant_added} with the new seat's id and role.
     *
     * @throws ChangeRefusedException MEETING_NOT_FOUND, CANCELLED, ENDED or TOO_MANY_PARTICIPANTS (20 seats, or
     *     a third non-interpreter in a two-party meeting, as {@link BookingRequest#parse} refuses at booking)
     */
    public Participant addParticipant(String meetingId, BookingRequest.ParticipantRequest seat) {
        Participant added = new Participant(OpaqueId.generate(random), seat.role(), seat.displayName());
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    Meeting m = lockForChange(c, meetingId);
                    if (m.participants().size() >= BookingRequest.MAX_PARTICIPANTS) {
                        throw new ChangeRefusedException(ChangeRefusedException.Reason.TOO_MANY_PARTICIPANTS,
                                "a visit books at most " + BookingRequest.MAX_PARTICIPANTS + " participants");
                    }
                    if (m.kind() == MeetingKind.TWO_PARTY && seat.role().takesTwoPartySeat()
                            && m.participants().stream().filter(p -> p.role().takesTwoPartySeat()).count()
                                    >= MeetingKind.TWO_PARTY_SEATS) {
                        throw new ChangeRefusedException(ChangeRefusedException.Reason.TOO_MANY_PARTICIPANTS,
                                "a two-party visit seats " + MeetingKind.TWO_PARTY_SEATS + " participants besides "
                                        + "interpreters; remove a seat first, or book a group visit");
                    }
                    int nextSeat;
                    try (PreparedStatement s = c.prepareStatement(
                            "SELECT COALESCE(MAX(seat), -1) + 1 FROM participants WHERE meeting_id = ?")) {
                        s.setString(1, meetingId);
                        try (ResultSet r = s.executeQuery()) {
                            r.next();
                            nextSeat = r.getInt(1);
                        }
                    }
                    insertParticipant(c, meetingId, nextSeat, added);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot add the participant: " + e.getMessage(), e);
            }
        }
        audit.record(meetingId, added.participantId(), added.role(), AuditAction.PARTICIPANT_ADDED, null);
        return added;
    }

    /**
     * Removes a seat. Its join link stops working (the seat is gone); listeners remove the participant from
     * the live room. Audits {@code participant_removed}.
     *
     * @throws ChangeRefusedException MEETING_NOT_FOUND, PARTICIPANT_NOT_FOUND, CANCELLED, ENDED or
     *     LAST_PARTICIPANT
     */
    public Meeting removeParticipant(String meetingId, String participantId) {
        Participant removed;
        Meeting after;
        synchronized (bookingLock) {
            try (Connection c = database.connection()) {
                c.setAutoCommit(false);
                try {
                    Meeting m = lockForChange(c, meetingId);
                    removed = m.participant(participantId).orElseThrow(() -> new ChangeRefusedException(
                            ChangeRefusedException.Reason.PARTICIPANT_NOT_FOUND, "the meeting has no seat with that id"));
                    if (m.participants().size() == 1) {
                        throw new ChangeRefusedException(ChangeRefusedException.Reason.LAST_PARTICIPANT,
                                "this is the meeting's only seat; cancel the meeting instead");
                    }
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM participants WHERE meeting_id = ? AND participant_id = ?")) {
                        s.setString(1, meetingId);
                        s.setString(2, participantId);
                        s.executeUpdate();
                    }
                    c.commit();
                    after = new Meeting(m.meetingId(), m.conferenceId(), m.subject(), m.kind(), m.lobby(),
                            m.startsAt(), m.durationMinutes(),
                            m.participants().stream().filter(p -> !p.participantId().equals(participantId)).toList(),
                            m.status());
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot remove the participant: " + e.getMessage(), e);
            }
        }
        audit.record(meetingId, removed.participantId(), removed.role(), AuditAction.PARTICIPANT_REMOVED, null);
        for (MeetingListener l : listeners) {
            try {
                l.participantRemoved(meetingId, participantId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a meeting listener failed on a removed seat of " + meetingId, e);
            }
        }
        return after;
    }

    /**
     * Meetings starting in {@code [from, to)}, ordered by start time then id, cancelled ones included.
     *
     * @param cursor the previous page's {@link MeetingPage#nextCursor()}, or null for the first page
     * @param limit  1..{@link #MAX_PAGE_SIZE}
     * @throws InvalidBookingException naming {@code from}, {@code to}, {@code cursor} or {@code limit}
     */
    public MeetingPage list(Instant from, Instant to, String cursor, int limit) throws InvalidBookingException {
        if (from == null) throw new InvalidBookingException("from", "from is required: an ISO-8601 time");
        if (to == null) throw new InvalidBookingException("to", "to is required: an ISO-8601 time");
        if (!to.isAfter(from)) throw new InvalidBookingException("to", "to must be later than from");
        if (Duration.between(from, to).compareTo(MAX_LIST_WINDOW) > 0) {
            throw new InvalidBookingException("to", "the window from..to may span at most 366 days");
        }
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new InvalidBookingException("limit", "limit must be from 1 to " + MAX_PAGE_SIZE);
        }
        MeetingPage.Cursor after = cursor == null ? null : MeetingPage.Cursor.decode(cursor);
        String sql = "SELECT meeting_id FROM meetings WHERE starts_at >= ? AND starts_at < ?"
                + (after == null ? "" : " AND (starts_at > ? OR (starts_at = ? AND meeting_id > ?))")
                + " ORDER BY starts_at, meeting_id FETCH FIRST " + (limit + 1) + " ROWS ONLY";
        try (Connection c = database.connection()) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, utc(from));
                s.setObject(2, utc(to));
                if (after != null) {
                    s.setObject(3, utc(after.startsAt()));
                    s.setObject(4, utc(after.startsAt()));
                    s.setString(5, after.meetingId());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) ids.add(r.getString(1));
                }
            }
            boolean more = ids.size() > limit;
            List<Meeting> meetings = new ArrayList<>(Math.min(ids.size(), limit));
            for (String id : ids.subList(0, Math.min(ids.size(), limit))) load(c, id, false).ifPresent(meetings::add);
            String next = more && !meetings.isEmpty()
                    ? new MeetingPage.Cursor(meetings.get(meetings.size() - 1).startsAt(),
                            meetings.get(meetings.size() - 1).meetingId()).encode()
                    : null;
            return new MeetingPage(meetings, next);
        } catch (SQLException e) {
            throw new StoreException("cannot read meetings: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a leader PIN for the meeting: at most 10 wrong PINs per meeting within 15 minutes,
     * then locked for 15 minutes. Wrong attempts are audited as pin_failed. The PIN is never logged.
     *
     * <p>The failures are counted from the audit log itself, so the lockout survives a restart and holds
     * across nodes sharing the database. Attempts made while locked are answered {@code LOCKED} without
     * checking the PIN and are not counted (the lock would otherwise never lift under a steady attack).
     * An unknown meeting answers {@code REJECTED} (nothing to audit against).
     */
    public PinCheck checkLeaderPin(String meetingId, String pin) {
        if (!OpaqueId.looksValid(meetingId)) return PinCheck.REJECTED;
        synchronized (pinLocks[Math.floorMod(meetingId.hashCode(), PIN_LOCK_STRIPES)]) {
            String stored;
            try (Connection c = database.connection();
                 PreparedStatement s = c.prepareStatement("SELECT leader_pin_hash FROM meetings WHERE meeting_id = ?")) {
                s.setString(1, meetingId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return PinCheck.REJECTED;
                    stored = r.getString(1);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read meetings: " + e.getMessage(), e);
            }
            Instant now = clock.instant();
            if (isPinLocked(meetingId, now)) return PinCheck.LOCKED;
            if (LeaderPin.matches(pin, stored)) return PinCheck.ACCEPTED;
            audit.record(meetingId, null, null, AuditAction.PIN_FAILED, null);
            return PinCheck.REJECTED;
        }
    }

    /**
     * Locked when some failure T in the last {@link #PIN_LOCK} was the {@link #PIN_MAX_FAILURES}th within
     * {@link #PIN_WINDOW} ending at T.
     */
    private boolean isPinLocked(String meetingId, Instant now) {
        List<Instant> failures = audit.recentTimes(meetingId, AuditAction.PIN_FAILED,
                now.minus(PIN_LOCK).minus(PIN_WINDOW), 200); // newest first
        for (int i = 0; i < failures.size(); i++) {
            Instant t = failures.get(i);
            if (!t.isAfter(now.minus(PIN_LOCK))) break;
            int within = 0;
            for (int j = i; j < failures.size() && !failures.get(j).isBefore(t.minus(PIN_WINDOW)); j++) within++;
            if (within >= PIN_MAX_FAILURES) return true;
        }
        return false;
    }

    /** A meeting's audit events, or empty when there is no such meeting. */
    public Optional<List<AuditEvent>> auditEvents(String meetingId) {
        return find(meetingId).map(m -> audit.list(m.meetingId()));
    }

    /** The visit record computed from the audit log, or empty when there is no such meeting. */
    public Optional<VisitRecord> visitRecord(String meetingId) {
        return find(meetingId).map(m -> VisitRecord.of(m, audit.list(m.meetingId())));
    }

    /** Hears cancellations and removed seats (the live rooms register here). */
    public void addListener(MeetingListener listener) {
        if (listener == null) throw new IllegalArgumentException("listener is required");
        listeners.add(listener);
    }

    public void removeListener(MeetingListener listener) {
        listeners.remove(listener);
    }

    /**
     * The booking API's JSON for a meeting: {@code meetingId, conferenceId, subject, kind, lobby, startsAt,
     * durationMinutes, status, participants[{participantId, role, displayName, joinUrl}]} where joinUrl is
     * {@code <publicUrl>/join#<token>}.
     *
     * <p>Each call issues fresh tokens, valid until the meeting's end plus the join grace. The token rides in
     * the fragment so that it never reaches a server log or a Referer header. A cancelled meeting's seats
     * carry no {@code joinUrl}.
     */
    public ObjectNode describe(Meeting meeting) {
        ObjectNode out = summarize(meeting);
        ArrayNode participants = out.putArray("participants");
        for (Participant p : meeting.participants()) {
            ObjectNode seat = describeSeat(meeting, p);
            // A cancelled visit can never be joined: hand out no tokens for it.
            if (meeting.isCancelled()) seat.remove("joinUrl");
            participants.add(seat);
        }
        return out;
    }

    /** {@link #describe} plus {@code leaderPin}: the answer to a booking, the only one that carries the PIN. */
    public ObjectNode describe(NewBooking booking) {
        ObjectNode out = describe(booking.meeting());
        out.put("leaderPin", booking.leaderPin());
        return out;
    }

    /** One seat as in {@link #describe}: {@code participantId, role, displayName, joinUrl}. */
    public ObjectNode describeSeat(Meeting meeting, Participant p) {
        ObjectNode seat = JsonNodeFactory.instance.objectNode();
        seat.put("participantId", p.participantId());
        seat.put("role", p.role().wireName());
        seat.put("displayName", p.displayName());
        Instant tokenExpiry = meeting.endsAt().plus(rules.joinGrace());
        String token = tokens.issue(meeting.meetingId(), p.participantId(), p.role(), tokenExpiry);
        seat.put("joinUrl", publicUrl + "/join#" + token);
        return seat;
    }

    /**
     * The meeting without join links, for listings: {@code meetingId, conferenceId, subject, kind, lobby,
     * startsAt, durationMinutes, status} (callers add {@code participants}).
     */
    public ObjectNode summarize(Meeting meeting) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("meetingId", meeting.meetingId());
        out.put("conferenceId", meeting.conferenceId());
        out.put("subject", meeting.subject());
        out.put("kind", meeting.kind().wireName());
        out.put("lobby", meeting.lobby());
        out.put("startsAt", meeting.startsAt().toString());
        out.put("durationMinutes", meeting.durationMinutes());
        out.put("status", meeting.status().wireName());
        return out;
    }

    /** For tests: draw conference ids from here instead of the random generator. */
    void drawConferenceIdsFrom(java.util.function.Supplier<String> draw) {
        this.conferenceIdDraw = draw;
    }

    /** Loads and row-locks the meeting for a change; refuses unknown, cancelled and ended meetings. */
    private Meeting lockForChange(Connection c, String meetingId) throws SQLException {
        Optional<Meeting> found = OpaqueId.looksValid(meetingId) ? load(c, meetingId, true) : Optional.empty();
        Meeting m = found.orElseThrow(() -> new ChangeRefusedException(
                ChangeRefusedException.Reason.MEETING_NOT_FOUND, "no meeting with that id"));
        if (m.isCancelled()) {
            throw new ChangeRefusedException(ChangeRefusedException.Reason.CANCELLED,
                    "the meeting was cancelled and can no longer change; book a new one");
        }
        Instant now = clock.instant();
        if (!now.isBefore(m.endsAt().plus(rules.joinGrace()))
                || !audit.recentTimes(meetingId, AuditAction.ENDED, Instant.EPOCH, 1).isEmpty()) {
            throw new ChangeRefusedException(ChangeRefusedException.Reason.ENDED,
                    "the meeting is over and can no longer change; book a new one");
        }
        return m;
    }

    /**
     * Draws conference ids until one is held by no meeting that ended less than the retention window ago
     * (which covers every upcoming and live meeting, cancelled ones included).
     */
    private String freeConferenceId(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM meetings WHERE conference_id = ? AND ends_at > ?")) {
            for (int attempt = 0; attempt < CONFERENCE_ID_ATTEMPTS; attempt++) {
                String candidate = conferenceIdDraw.get();
                s.setString(1, candidate);
                s.setObject(2, utc(now.minus(rules.conferenceIdRetention())));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return candidate;
                }
            }
        }
        throw new StoreException("no free conference id after " + CONFERENCE_ID_ATTEMPTS + " attempts");
    }

    private static void insert(Connection c, Meeting m, String pinHash, Instant now) throws SQLException {
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
            s.setObject(9, utc(now));
            s.setString(10, m.status().wireName());
            s.setString(11, pinHash);
            s.executeUpdate();
        }
        int seat = 0;
        for (Participant p : m.participants()) insertParticipant(c, m.meetingId(), seat++, p);
    }

    private static void insertParticipant(Connection c, String meetingId, int seat, Participant p) throws SQLException {
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

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
