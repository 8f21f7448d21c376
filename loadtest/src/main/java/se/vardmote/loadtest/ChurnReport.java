package se.vardmote.loadtest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a {@link ChurnRun}: what was asked, how many joined, connected, left and dropped, how many
 * rooms opened and closed, how long a join took to connect (ms, from starting the participant until its
 * transports were up) and the failures by reason. Immutable; serialised to JSON as is.
 */
public record ChurnReport(int rooms, int participantsPerRoom, int churnPerSecond, int roomTurnoverSeconds,
                          double seconds, long joins, long joinsConnected, long leftBeforeConnected, long leaves,
                          long drops, int roomsOpened, int roomsClosed, long joinP50Millis, long joinP99Millis,
                          long joinMaxMillis, Map<String, Long> failures) {

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nvardmote churn: %d rooms × %d participants, %d leave and %d join a second%s, %.0f s%n",
                rooms, participantsPerRoom, churnPerSecond, churnPerSecond,
                roomTurnoverSeconds > 0 ? ", a room turned over every " + roomTurnoverSeconds + " s" : "", seconds);
        out.printf(Locale.ROOT, "joins %d (connected %d, left before connecting %d), leaves %d, dropped %d, "
                + "rooms opened %d, closed %d%n", joins, joinsConnected, leftBeforeConnected, leaves, drops,
                roomsOpened, roomsClosed);
        out.printf(Locale.ROOT, "time to connect: p50 %d ms, p99 %d ms, max %d ms%n", joinP50Millis, joinP99Millis,
                joinMaxMillis);
        if (!failures.isEmpty()) {
            out.println("failures:");
            failures.forEach((k, v) -> out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
    }
}
