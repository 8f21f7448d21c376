package se.vardmote.signalling.echo;

import java.time.Duration;

/**
 * How much of the server strangers may use for echo tests (the pre-call check needs no token).
 *
 * @param maxSessions        echo sessions at once over the whole server; more are refused {@code echo_busy}
 * @param perSourcePerMinute echo sessions one address (an IPv6 /64) may start per minute; more are refused
 *                           {@code too_many_checks}
 * @param maxDuration        an echo session's hard end, whatever the client does
 */
public record EchoLimits(int maxSessions, int perSourcePerMinute, Duration maxDuration) {
    public static final int DEFAULT_MAX_SESSIONS = 20;
    public static final int DEFAULT_PER_SOURCE_PER_MINUTE = 10;
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(60);
    public static final EchoLimits DEFAULTS =
            new EchoLimits(DEFAULT_MAX_SESSIONS, DEFAULT_PER_SOURCE_PER_MINUTE, DEFAULT_MAX_DURATION);

    public EchoLimits {
        if (maxSessions < 0) throw new IllegalArgumentException("maxSessions must be 0 (echo off) or more");
        if (perSourcePerMinute < 1) throw new IllegalArgumentException("perSourcePerMinute must be at least 1");
        if (maxDuration.isNegative() || maxDuration.isZero()) throw new IllegalArgumentException("maxDuration must be positive");
    }
}
