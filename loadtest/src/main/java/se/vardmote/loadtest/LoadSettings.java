package se.vardmote.loadtest;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * What one load run does. Immutable; {@link #validate} enforces the hard caps that keep a run bounded in
 * count and time and on loopback unless asked otherwise.
 *
 * @param server             the server's base URL (http://host:port)
 * @param rampUpPerSecond    participants started per second
 * @param durationSeconds    length of the measurement window (after everyone connected and a warm-up); with
 *                           churn, how long the churn lasts
 * @param churnPerSecond     0: a steady run; N &gt; 0: each second N participants leave and N others join, across
 *                           the rooms ({@link ChurnRun})
 * @param roomTurnoverSeconds with churn: every this many seconds the oldest room is closed (everyone leaves)
 *                           and a newly booked one opened; 0: rooms stay
 */
public record LoadSettings(URI server, String apiKey, int rooms, int participantsPerRoom, boolean audioOnly,
                           int videoKbps, int keyframeIntervalSeconds, int durationSeconds, int rampUpPerSecond,
                           boolean allowRemote, int churnPerSecond, int roomTurnoverSeconds) {

    /** A steady run (no churn). */
    public LoadSettings(URI server, String apiKey, int rooms, int participantsPerRoom, boolean audioOnly,
                        int videoKbps, int keyframeIntervalSeconds, int durationSeconds, int rampUpPerSecond,
                        boolean allowRemote) {
        this(server, apiKey, rooms, participantsPerRoom, audioOnly, videoKbps, keyframeIntervalSeconds,
                durationSeconds, rampUpPerSecond, allowRemote, 0, 0);
    }

    public static final int MAX_ROOMS = 500;
    public static final int MAX_PARTICIPANTS_PER_ROOM = 16;
    public static final int MAX_PARTICIPANTS = 2000;
    public static final int MAX_DURATION_SECONDS = 3600;
    public static final int MAX_CHURN_PER_SECOND = 50;

    /** Throws {@link IllegalArgumentException} with a message for the operator when a setting is out of bounds. */
    public LoadSettings validate() {
        if (server == null || !"http".equals(server.getScheme()) && !"https".equals(server.getScheme())
                || server.getHost() == null) {
            throw new IllegalArgumentException("--server must be an http:// or https:// URL");
        }
        if (apiKey == null || apiKey.isBlank()) throw new IllegalArgumentException("no API key: --api-key or --api-key-file");
        range("--rooms", rooms, 1, MAX_ROOMS);
        range("--participants", participantsPerRoom, 1, MAX_PARTICIPANTS_PER_ROOM);
        if (rooms * participantsPerRoom > MAX_PARTICIPANTS) {
            throw new IllegalArgumentException("rooms × participants is over " + MAX_PARTICIPANTS);
        }
        range("--video-kbps", videoKbps, 50, 10_000);
        range("--keyframe-interval", keyframeIntervalSeconds, 1, 60);
        range("--duration", durationSeconds, 1, MAX_DURATION_SECONDS);
        range("--ramp-up", rampUpPerSecond, 1, 500);
        range("--churn-per-second", churnPerSecond, 0, MAX_CHURN_PER_SECOND);
        range("--room-turnover", roomTurnoverSeconds, 0, MAX_DURATION_SECONDS);
        if (churnPerSecond > rooms * participantsPerRoom) {
            throw new IllegalArgumentException("--churn-per-second is over the participants there are (rooms × participants)");
        }
        if (!allowRemote && !isLoopback(server.getHost())) {
            throw new IllegalArgumentException("--server " + server.getHost()
                    + " is not a loopback address; a load test against another machine needs --allow-remote");
        }
        return this;
    }

    /** The same settings with another number of rooms and duration (capacity steps). */
    public LoadSettings withRooms(int rooms, int durationSeconds) {
        return new LoadSettings(server, apiKey, rooms, participantsPerRoom, audioOnly, videoKbps,
                keyframeIntervalSeconds, durationSeconds, rampUpPerSecond, allowRemote, churnPerSecond,
                roomTurnoverSeconds);
    }

    /** The same settings with another churn and duration (a soak's steady warm-up has none). */
    public LoadSettings withChurn(int churnPerSecond, int roomTurnoverSeconds, int durationSeconds) {
        return new LoadSettings(server, apiKey, rooms, participantsPerRoom, audioOnly, videoKbps,
                keyframeIntervalSeconds, durationSeconds, rampUpPerSecond, allowRemote, churnPerSecond,
                roomTurnoverSeconds);
    }

    TrafficShape shape() {
        return new TrafficShape(audioOnly, videoKbps, keyframeIntervalSeconds);
    }

    private static void range(String flag, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + " (was " + value + ")");
        }
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        try {
            for (InetAddress a : InetAddress.getAllByName(h)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
