package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.MeetingStore;
import se.vardmote.signalling.store.StoreException;
import se.vardmote.signalling.token.TokenService;

/**
 * Books, changes, cancels and finds meetings; stores them in the database; checks leader PINs; writes the
 * booking side of the audit log. Thread-safe.
 *
 * <p>Owns the booking rules and id generation (meeting and participant ids: 128 random bits; conference ids:
 * see {@link ConferenceId}; leader PINs: see {@link LeaderPin}). The tables are {@link MeetingStore}'s, the PIN
 * lockout {@link LeaderPinLockout}'s, the JSON views {@link MeetingJson}'s. Holds no meeting state in memory:
 * every call reads or writes the database, so a restart loses nothing and several nodes may share one
 * PostgreSQL database.
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
    /** Largest page of {@link #list}. */
    public static final int MAX_PAGE_SIZE = 100;
    /** Longest time window {@link #list} accepts. */
    public static final Duration MAX_LIST_WINDOW = Duration.ofDays(366);
    /** Draws before giving up on finding a free conference id; each collides with p = held ids / 9·10⁷. */
    private static final int CONFERENCE_ID_ATTEMPTS = 20;

    private final MeetingStore store;
    private final Clock clock;
    private final AuditLog audit;
    private final MeetingRules rules;
    private final LeaderPinLockout pinLockout;
    private final MeetingJson json;
    private final MeetingListeners listeners = new MeetingListeners();
    private final SecureRandom random = new SecureRandom();
    private final Object bookingLock = new Object();
    /** Where conference ids come from; tests replace it to force collisions. */
    private volatile Supplier<String> conferenceIdDraw = () -> ConferenceId.generate(random);

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
        this.store = new MeetingStore(database);
        this.clock = clock;
        this.audit = audit;
        this.rules = rules;
        this.pinLockout = new LeaderPinLockout(audit, clock);
        this.json = new MeetingJson(tokens, base, rules);
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
            meeting = store.inTransaction("cannot store the meeting", tx -> {
                String conferenceId = freeConferenceId(tx, now);
                Meeting m = new Meeting(meetingId, conferenceId, request.subject(), request.kind(),
                        request.lobby(), request.startsAt(), request.durationMinutes(), participants);
                tx.insert(m, pinHash, now);
                return m;
            });
        }
        LOG.log(System.Logger.Level.INFO, "Booked meeting {0} ({1}, {2} participants, starts {3})",
                meetingId, meeting.kind().wireName(), participants.size(), meeting.startsAt());
        audit.record(meetingId, null, null, AuditAction.BOOKED, meeting.kind().wireName());
        return new NewBooking(meeting, pin);
    }

    public Optional<Meeting> find(String meetingId) {
        if (!OpaqueId.looksValid(meetingId)) return Optional.empty();
        return store.find(meetingId);
    }

    /**
     * The meeting that holds this conference id now: not ended more than the join grace ago (it may not have
     * started yet, and it may be cancelled: a cancelled meeting keeps its id reserved). Whether the caller may
     * enter is {@link #isOpenForJoining}'s answer. Empty for an invalid id (wrong length, failed check digit)
     * without touching the database.
     */
    public Optional<Meeting> findByConferenceId(String conferenceId) {
        if (!ConferenceId.isValid(conferenceId)) return Optional.empty();
        return store.findByConferenceId(conferenceId, clock.instant().minus(rules.joinGrace()));
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
            updated = store.inTransaction("cannot change the meeting", tx -> {
                Meeting m = lockForChange(tx, meetingId);
                Meeting u = new Meeting(m.meetingId(), m.conferenceId(),
                        change.subject() != null ? change.subject() : m.subject(), m.kind(),
                        change.lobby() != null ? change.lobby() : m.lobby(),
                        change.startsAt() != null ? change.startsAt() : m.startsAt(),
                        change.durationMinutes() != null ? change.durationMinutes() : m.durationMinutes(),
                        m.participants(), m.status());
                tx.updateDetails(u);
                return u;
            });
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
            cancelled = store.inTransaction("cannot cancel the meeting", tx -> {
                Meeting m = lockForChange(tx, meetingId);
                tx.markCancelled(meetingId, clock.instant());
                return new Meeting(m.meetingId(), m.conferenceId(), m.subject(), m.kind(), m.lobby(),
                        m.startsAt(), m.durationMinutes(), m.participants(), MeetingStatus.CANCELLED);
            });
        }
        LOG.log(System.Logger.Level.INFO, "Cancelled meeting {0}", meetingId);
        audit.record(meetingId, null, null, AuditAction.CANCELLED, null);
        listeners.meetingCancelled(meetingId);
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
            store.inTransaction("cannot add the participant", tx -> {
                Meeting m = lockForChange(tx, meetingId);
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
                tx.appendParticipant(meetingId, added);
                return null;
            });
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
        record Removal(Participant seat, Meeting after) {
        }
        Removal removal;
        synchronized (bookingLock) {
            removal = store.inTransaction("cannot remove the participant", tx -> {
                Meeting m = lockForChange(tx, meetingId);
                Participant removed = m.participant(participantId).orElseThrow(() -> new ChangeRefusedException(
                        ChangeRefusedException.Reason.PARTICIPANT_NOT_FOUND, "the meeting has no seat with that id"));
                if (m.participants().size() == 1) {
                    throw new ChangeRefusedException(ChangeRefusedException.Reason.LAST_PARTICIPANT,
                            "this is the meeting's only seat; cancel the meeting instead");
                }
                tx.deleteParticipant(meetingId, participantId);
                return new Removal(removed, new Meeting(m.meetingId(), m.conferenceId(), m.subject(), m.kind(),
                        m.lobby(), m.startsAt(), m.durationMinutes(),
                        m.participants().stream().filter(p -> !p.participantId().equals(participantId)).toList(),
                        m.status()));
            });
        }
        Participant removed = removal.seat();
        audit.record(meetingId, removed.participantId(), removed.role(), AuditAction.PARTICIPANT_REMOVED, null);
        listeners.participantRemoved(meetingId, participantId);
        return removal.after();
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
        // One more than the page: whether there is a next page at all.
        List<Meeting> found = store.startingBetween(from, to, after == null ? null : after.startsAt(),
                after == null ? null : after.meetingId(), limit + 1);
        boolean more = found.size() > limit;
        List<Meeting> meetings = found.subList(0, Math.min(found.size(), limit));
        String next = more && !meetings.isEmpty()
                ? new MeetingPage.Cursor(meetings.get(meetings.size() - 1).startsAt(),
                        meetings.get(meetings.size() - 1).meetingId()).encode()
                : null;
        return new MeetingPage(meetings, next);
    }

    /**
     * Checks a leader PIN for the meeting, under {@link LeaderPinLockout}'s limits: at most 10 wrong PINs per
     * meeting within 15 minutes, then locked for 15 minutes. Wrong attempts are audited as pin_failed. The PIN
     * is never logged. An unknown meeting answers {@code REJECTED} (nothing to audit against).
     */
    public PinCheck checkLeaderPin(String meetingId, String pin) {
        if (!OpaqueId.looksValid(meetingId)) return PinCheck.REJECTED;
        return pinLockout.check(meetingId, pin, () -> store.leaderPinHash(meetingId));
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
        listeners.add(listener);
    }

    public void removeListener(MeetingListener listener) {
        listeners.remove(listener);
    }

    /** The booking API's JSON for a meeting, with fresh join links: see {@link MeetingJson#describe(Meeting)}. */
    public ObjectNode describe(Meeting meeting) {
        return json.describe(meeting);
    }

    /** {@link #describe} plus {@code leaderPin}: the answer to a booking, the only one that carries the PIN. */
    public ObjectNode describe(NewBooking booking) {
        return json.describe(booking);
    }

    /** One seat as in {@link #describe}: {@code participantId, role, displayName, joinUrl}. */
    public ObjectNode describeSeat(Meeting meeting, Participant p) {
        return json.describeSeat(meeting, p);
    }

    /** The meeting without join links, for listings: see {@link MeetingJson#summarize}. */
    public ObjectNode summarize(Meeting meeting) {
        return json.summarize(meeting);
    }

    /** For tests: draw conference ids from here instead of the random generator. */
    void drawConferenceIdsFrom(Supplier<String> draw) {
        this.conferenceIdDraw = draw;
    }

    /** Loads and row-locks the meeting for a change; refuses unknown, cancelled and ended meetings. */
    private Meeting lockForChange(MeetingStore.Transaction tx, String meetingId) throws java.sql.SQLException {
        Optional<Meeting> found = OpaqueId.looksValid(meetingId) ? tx.lock(meetingId) : Optional.empty();
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
    private String freeConferenceId(MeetingStore.Transaction tx, Instant now) throws java.sql.SQLException {
        for (int attempt = 0; attempt < CONFERENCE_ID_ATTEMPTS; attempt++) {
            String candidate = conferenceIdDraw.get();
            if (!tx.conferenceIdHeld(candidate, now.minus(rules.conferenceIdRetention()))) return candidate;
        }
        throw new StoreException("no free conference id after " + CONFERENCE_ID_ATTEMPTS + " attempts");
    }
}
