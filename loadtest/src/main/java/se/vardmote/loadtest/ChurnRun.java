package se.vardmote.loadtest;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A run with churn: books the rooms and fills them (as {@link LoadRun} does, with the same participants),
 * then for {@code durationSeconds}, once a second, the {@code churnPerSecond} participants that have been in
 * the longest leave and as many new ones take their seats (the same join tokens, new connections,
 * certificates and transports). Every other leaver drops off as a lost network would (no {@code leave}, the
 * WebSocket torn down), so that its replacement comes back through the server's reconnect path. Every
 * {@code roomTurnoverSeconds} the oldest room closes (everyone in it leaves) and a newly booked one opens.
 * At the end everyone leaves. Measures joins (time to connected), not media loss: participants come and go
 * inside any window.
 *
 * <p>Threads: the caller's thread drives the seconds and prints; the rest is {@link RunContext}'s. Always
 * ends by itself: every wait has a deadline.
 */
public final class ChurnRun {

    private static final long CONNECT_GRACE_MILLIS = 20_000;
    /** A seat's occupant: the participant and when it was started. Caller's thread only. */
    private record Seat(Room room, String token, Participant participant, long startedNanos) {}

    private static final class Room {
        final int index;
        final List<String> tokens;

        Room(int index, List<String> tokens) {
            this.index = index;
            this.tokens = tokens;
        }
    }

    private final LoadSettings settings;
    private final PrintStream progress;
    private RunContext ctx;
    private Booking booking;
    private int roomsBooked;
    private long joins;
    private long leaves;
    private long drops;
    private int roomsOpened;
    private int roomsClosed;
    private long joinsConnected;
    private long leftBeforeConnected;
    private final Histogram joinMillis = new Histogram(60_000, 3);
    /** Seats oldest first; a seat goes to the back when its occupant is replaced. */
    private final ArrayDeque<Seat> seats = new ArrayDeque<>();
    /** Seats whose occupant has not connected yet, to time its join. */
    private final List<Seat> connecting = new ArrayList<>();

    public ChurnRun(LoadSettings settings, PrintStream progress) {
        this.settings = settings.validate();
        if (settings.churnPerSecond() < 1) throw new IllegalArgumentException("a churn run needs --churn-per-second ≥ 1");
        this.progress = progress;
    }

    /** Runs to the end and reports; throws only when the first rooms could not be booked. */
    public ChurnReport run() throws Exception {
        ctx = RunContext.open(settings);
        booking = new Booking(ctx.http, settings.server(), settings.apiKey(), ctx.json);
        long start = System.nanoTime();
        try {
            List<Room> rooms = new ArrayList<>();
            for (int r = 0; r < settings.rooms(); r++) rooms.add(book());
            long gapNanos = 1_000_000_000L / settings.rampUpPerSecond();
            int started = 0;
            // Interleave rooms so that each fills at the same pace.
            for (int seat = 0; seat < settings.participantsPerRoom(); seat++) {
                for (Room room : rooms) {
                    long wait = start + started++ * gapNanos - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                    seats.addLast(join(room, room.tokens.get(seat)));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_GRACE_MILLIS);
            while (!connecting.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                timeJoins();
            }
            progress.printf(Locale.ROOT, "connected %d/%d participants in %.1f s; churn: %d a second for %d s%s%n",
                    seats.size() - connecting.size(), seats.size(), (System.nanoTime() - start) / 1e9,
                    settings.churnPerSecond(), settings.durationSeconds(), settings.roomTurnoverSeconds() > 0
                            ? ", a room closed and another opened every " + settings.roomTurnoverSeconds() + " s" : "");
            churn();
        } finally {
            List<Participant> everyone = new ArrayList<>();
            for (Seat s : seats) everyone.add(s.participant);
            LoadRun.leaveAll(everyone);
            ctx.close();
        }
        return report((System.nanoTime() - start) / 1e9);
    }

    private void churn() throws Exception {
        long churnStart = System.nanoTime();
        long end = churnStart + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
        for (int second = 1; System.nanoTime() < end; second++) {
            long wait = Math.min(end, churnStart + TimeUnit.SECONDS.toNanos(second)) - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (System.nanoTime() >= end) break;
            timeJoins();
            if (settings.roomTurnoverSeconds() > 0 && second % settings.roomTurnoverSeconds() == 0) turnOverOldestRoom();
            for (int i = 0; i < settings.churnPerSecond(); i++) replaceOldest();
            if (second % 10 == 0 || second == 1) {
                progress.printf(Locale.ROOT, "[%4d s] participants %d (connecting %d)  joins %d  leaves %d (dropped %d)  "
                                + "rooms opened %d closed %d  join p50 %.0f max %.0f ms  failures %d%n", second, seats.size(),
                        connecting.size(), joins, leaves + drops, drops, roomsOpened, roomsClosed,
                        joinMillis.getTotalCount() == 0 ? 0.0 : (double) joinMillis.getValueAtPercentile(50),
                        (double) joinMillis.getMaxValue(), ctx.failures().values().stream().mapToLong(Long::longValue).sum());
            }
        }
    }

    /** The longest-seated participant leaves (or drops) and a new one takes its seat. */
    private void replaceOldest() {
        Seat oldest = seats.pollFirst();
        if (oldest == null) return;
        depart(oldest, (leaves + drops) % 2 == 1);
        seats.addLast(join(oldest.room, oldest.token));
    }

    /** Everyone in the oldest room leaves; a newly booked room fills (its participants join at once). */
    private void turnOverOldestRoom() throws Exception {
        Room oldest = seats.isEmpty() ? null : seats.peekFirst().room;
        if (oldest == null) return;
        for (Iterator<Seat> it = seats.iterator(); it.hasNext(); ) {
            Seat s = it.next();
            if (s.room == oldest) {
                it.remove();
                depart(s, false);
            }
        }
        roomsClosed++;
        Room room = book();
        for (String token : room.tokens) seats.addLast(join(room, token));
    }

    private Room book() throws Exception {
        int index = roomsBooked++;
        Room room = new Room(index, booking.book(settings.participantsPerRoom(),
                settings.durationSeconds() + 120, "Lasttest churn " + (index + 1)));
        roomsOpened++;
        return room;
    }

    private Seat join(Room room, String token) {
        Participant p = new Participant(room.index, token, ctx);
        Seat seat = new Seat(room, token, p, System.nanoTime());
        p.start();
        joins++;
        connecting.add(seat);
        return seat;
    }

    private void depart(Seat seat, boolean dropped) {
        if (connecting.remove(seat)) leftBeforeConnected++;
        if (dropped) {
            seat.participant.drop();
            drops++;
        } else {
            seat.participant.leave();
            leaves++;
            // The leave message goes first; the WebSocket closes 200 ms later, off this thread.
            ctx.loops.schedule(() -> { seat.participant.closeSignalling(); }, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void timeJoins() {
        boolean expectSubscribe = settings.participantsPerRoom() > 1;
        long now = System.nanoTime();
        for (Iterator<Seat> it = connecting.iterator(); it.hasNext(); ) {
            Seat s = it.next();
            if (s.participant.isReady(expectSubscribe)) {
                it.remove();
                joinsConnected++;
                joinMillis.recordValue(Math.min(joinMillis.getHighestTrackableValue(),
                        TimeUnit.NANOSECONDS.toMillis(now - s.startedNanos)));
            } else if (s.participant.hasFailed()) {
                it.remove();
            }
        }
    }

    private ChurnReport report(double seconds) {
        return new ChurnReport(settings.rooms(), settings.participantsPerRoom(), settings.churnPerSecond(),
                settings.roomTurnoverSeconds(), seconds, joins, joinsConnected, leftBeforeConnected, leaves, drops,
                roomsOpened, roomsClosed, joinMillis.getTotalCount() == 0 ? 0 : joinMillis.getValueAtPercentile(50),
                joinMillis.getTotalCount() == 0 ? 0 : joinMillis.getValueAtPercentile(99), joinMillis.getMaxValue(),
                ctx.failures());
    }
}
