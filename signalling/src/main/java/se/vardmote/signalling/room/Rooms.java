package se.vardmote.signalling.room;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingListener;
import se.vardmote.signalling.meeting.MeetingRules;
import se.vardmote.signalling.meeting.Participant;

/**
 * The live rooms of this server, one per meeting with at least one member (seated or waiting), and what
 * the live side remembers of each meeting until its validity ends (admissions, identity checks, removals,
 * whether it was ended: {@link MeetingMemory}). Hears the booking side as a {@link MeetingListener}: a
 * cancelled meeting ends for everyone, a removed seat's participant is removed.
 *
 * <p>Thread-safe. Lock order: this registry, then a room, then a meeting's memory.
 */
public final class Rooms implements MeetingListener {
    /**
     * How long a seated participant whose connection dropped is shown as reconnecting, its seat and media
     * kept, before it counts as gone. Long enough for the client's first reconnection attempts (after 0.5,
     * 1, 2 and 4 s) and a page reload; short enough that a closed tab is soon seen as left.
     */
    public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofSeconds(10);

    private static final DateTimeFormatter OPENS_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Supplier<Router> routers;
    private final int maxGroupParticipants;
    private final JoinWindow joinWindow;
    private final Duration joinGrace;
    private final AuditSink audit;
    private final Clock clock;
    private final Duration reconnectGrace;
    /** Ends reconnect graces; one daemon thread, started with the first drop. */
    private ScheduledExecutorService graceTimer;
    private final Map<String, Room> rooms = new HashMap<>();
    /** Set by {@link #drain}: no new room opens; live rooms go on. */
    private java.time.Instant drainingUntil;
    private final Map<String, MeetingMemory> memories = new HashMap<>();

    /** @param routers makes a router for a new room ({@code MediaEngine::createRouter}) */
    public Rooms(Supplier<Router> routers, int maxGroupParticipants) {
        this(routers, maxGroupParticipants, JoinWindow.ALWAYS, MeetingRules.DEFAULT_JOIN_GRACE, AuditSink.NONE,
                Clock.systemUTC());
    }

    /**
     * @param joinWindow whether a meeting may be joined now ({@code MeetingService::isOpenForJoining})
     * @param joinGrace  how long after a meeting's end its memory is kept: the join window's grace
     *                   ({@link MeetingRules#joinGrace()}), so that an ended meeting stays ended while its
     *                   links still work
     * @param audit      where room events are audited ({@code AuditLog::record})
     * @param clock      the time the join window and the memory's expiry are judged at
     */
    public Rooms(Supplier<Router> routers, int maxGroupParticipants, JoinWindow joinWindow, Duration joinGrace,
                 AuditSink audit, Clock clock) {
        this(routers, maxGroupParticipants, joinWindow, joinGrace, audit, clock, DEFAULT_RECONNECT_GRACE);
    }

    /** @param reconnectGrace how long a dropped participant is shown reconnecting ({@link #DEFAULT_RECONNECT_GRACE}) */
    public Rooms(Supplier<Router> routers, int maxGroupParticipants, JoinWindow joinWindow, Duration joinGrace,
                 AuditSink audit, Clock clock, Duration reconnectGrace) {
        this.reconnectGrace = reconnectGrace;
        this.routers = routers;
        this.maxGroupParticipants = maxGroupParticipants;
        this.joinWindow = joinWindow;
        this.joinGrace = joinGrace;
        this.audit = audit;
        this.clock = clock;
    }

    /** Joins by browser: as {@link #join(Meeting, Participant, JoinedVia, MemberListener)} with {@link JoinedVia#VIDEO}. */
    public RoomMember join(Meeting meeting, Participant participant, MemberListener listener) throws JoinRefused {
        return join(meeting, participant, JoinedVia.VIDEO, listener);
    }

    /**
     * Seats the participant in the meeting's room, or puts it in the room's lobby, opening the room (and its
     * router) if needed. The listener hears {@code joined} or {@code waiting} before this returns.
     *
     * @throws JoinRefused {@code meeting_ended} after a clinician ended it or it was cancelled,
     *                     {@code meeting_not_open} outside its join window, {@code room_full}, {@code lobby_full}
     */
    public synchronized RoomMember join(Meeting meeting, Participant participant, JoinedVia via, MemberListener listener)
            throws JoinRefused {
        Instant now = clock.instant();
        forgetExpired(now);
        MeetingMemory memory = memories.get(meeting.meetingId());
        if (memory != null && memory.endedReason() != null) {
            throw new JoinRefused("meeting_ended", "cancelled".equals(memory.endedReason())
                    ? "this visit has been cancelled" : "this visit has been ended");
        }
        if (!joinWindow.isOpen(meeting, now)) throw notOpen(meeting, now);
        Instant forgetAfter = meeting.endsAt().plus(joinGrace);
        if (memory == null) {
            memory = new MeetingMemory(forgetAfter);
            memories.put(meeting.meetingId(), memory);
        } else {
            memory.keepUntil(forgetAfter);
        }
        Room room = rooms.get(meeting.meetingId());
        boolean created = room == null;
        if (created && drainingUntil != null) {
            throw new JoinRefused("server_draining", "this server is restarting; open the link again in a minute");
        }
        if (created) {
            room = new Room(meeting, routers.get(), maxGroupParticipants, memory, audit);
            rooms.put(meeting.meetingId(), room);
        }
        try {
            RoomMember member = room.join(meeting, participant, via, listener);
            if (drainingUntil != null) listener.serverDraining(drainingUntil);
            return member;
        } catch (JoinRefused e) {
            if (created) closeRoom(room);
            throw e;
        }
    }

    private static JoinRefused notOpen(Meeting meeting, Instant now) {
        if (now.isBefore(meeting.startsAt())) {
            return new JoinRefused("meeting_not_open", "this visit starts at " + OPENS_AT.format(meeting.startsAt())
                    + " and opens shortly before; open the link again then");
        }
        if (now.isAfter(meeting.endsAt())) {
            return new JoinRefused("meeting_not_open", "this visit is over (it ended at " + OPENS_AT.format(meeting.endsAt()) + ")");
        }
        return new JoinRefused("meeting_not_open", "this visit cannot be joined now; it may have been cancelled");
    }

    /** Takes the member out (seated or waiting); the room closes when it was the last. */
    public synchronized void leave(RoomMember member) {
        Room room = member.room();
        room.leave(member);
        closeIfEmpty(room);
    }

    /**
     * The member's connection dropped without {@code leave} (a network change, a sleeping laptop, a reload, a
     * closed tab). A seated browser member is shown reconnecting and keeps its seat for the reconnect grace:
     * rejoining on a new connection within it takes the seat over, else it leaves when the grace ends.
     * Anyone else leaves at once.
     */
    public synchronized void dropped(RoomMember member) {
        if (reconnectGrace.isZero() || !member.room().holdForReconnect(member)) {
            leave(member);
            return;
        }
        if (graceTimer == null) {
            graceTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rooms-reconnect-grace");
                t.setDaemon(true);
                return t;
            });
        }
        graceTimer.schedule(() -> graceOver(member), reconnectGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void graceOver(RoomMember member) {
        if (member.room().isHeldForReconnect(member)) leave(member);
    }

    /**
     * Ends the actor's meeting for everyone: all are told {@code meetingEnded} and let go, the room closes,
     * and joins are refused with {@code meeting_ended} for the rest of the meeting's validity.
     *
     * @throws ActionRefused {@code forbidden} unless the actor is a seated clinician
     */
    public synchronized void endMeeting(RoomMember actor) throws ActionRefused {
        Room room = actor.room();
        room.requireMayEnd(actor);
        room.end(actor, "ended");
        if (rooms.get(room.meeting().meetingId()) == room) closeRoom(room);
    }

    @Override
    public synchronized void meetingCancelled(String meetingId) {
        MeetingMemory memory = memories.get(meetingId);
        if (memory != null) memory.end("cancelled");
        Room room = rooms.get(meetingId);
        if (room == null) return;
        room.end(null, "cancelled");
        closeRoom(room);
    }

    @Override
    public synchronized void participantRemoved(String meetingId, String participantId) {
        Room room = rooms.get(meetingId);
        if (room == null) return;
        room.seatCancelled(participantId);
        closeIfEmpty(room);
    }

    private void closeIfEmpty(Room room) {
        if (room.isEmpty() && rooms.get(room.meeting().meetingId()) == room) closeRoom(room);
    }

    private void closeRoom(Room room) {
        rooms.remove(room.meeting().meetingId());
        room.close();
    }

    private void forgetExpired(Instant now) {
        for (Iterator<Map.Entry<String, MeetingMemory>> it = memories.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MeetingMemory> e = it.next();
            if (e.getValue().expired(now) && !rooms.containsKey(e.getKey())) it.remove();
        }
    }

    /**
     * The meeting as the live room for {@code meetingId} holds it, or empty when no room is open: what a join
     * can go on while the database cannot be reached.
     */
    public synchronized Optional<Meeting> liveMeeting(String meetingId) {
        Room room = rooms.get(meetingId);
        return room == null ? Optional.empty() : Optional.of(room.meeting());
    }

    public synchronized int roomCount() {
        return rooms.size();
    }

    /** Seated participants over all rooms (those waiting in a lobby take no seat). */
    public synchronized int participantCount() {
        int n = 0;
        for (Room r : rooms.values()) n += r.size();
        return n;
    }

    /** Seated participants by [role, joinedVia] wire names, over all rooms (for metrics: no ids, no names). */
    public synchronized java.util.Map<java.util.List<String>, Integer> seatedByRoleAndVia() {
        java.util.Map<java.util.List<String>, Integer> counts = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (Room r : rooms.values()) r.countSeated(counts);
        return counts;
    }

    /** Participants waiting in a lobby, over all rooms. */
    public synchronized int waitingCount() {
        int n = 0;
        for (Room r : rooms.values()) n += r.waitingCount();
        return n;
    }

    /**
     * The server is shutting down by {@code closesAt}: no new room opens (a visit not yet started is refused
     * with {@code server_draining}); the live ones go on, rejoins and late arrivals included, and everyone in
     * them is told when the server closes.
     */
    public synchronized void drain(java.time.Instant closesAt) {
        drainingUntil = closesAt;
        for (Room r : rooms.values()) r.serverDraining(closesAt);
    }

    public synchronized void closeAll() {
        for (Room r : rooms.values()) r.close();
        rooms.clear();
        if (graceTimer != null) graceTimer.shutdownNow();
    }
}
