package se.vardmote.signalling;

import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import se.vardmote.media.MediaEngine;
import se.vardmote.signalling.echo.EchoSessions;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.AuditLog;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.protocol.ClientSession;
import se.vardmote.signalling.room.AuditSink;
import se.vardmote.signalling.room.JoinWindow;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.token.TokenService;

/**
 * The signalling module's public entry point: live rooms and the WebSocket protocol that drives them.
 * Registers the rooms with the {@link MeetingService} so that cancellations and removed seats reach live
 * participants. Thread-safe.
 */
public final class Signalling implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Signalling.class.getName());

    private final MeetingService meetings;
    private final TokenService tokens;
    private final SignallingConfig config;
    private final Rooms rooms;
    /** Joins with invalid tokens per source address, over all connections. */
    private final SourceRateLimit invalidJoins;
    /** The pre-call check's echo tests, each on a router of its own. */
    private final EchoSessions echoes;

    /** Room events (joined, left, waiting, admitted, denied, identity_verified, muted, removed, ended) go to {@code audit}. */
    public Signalling(MediaEngine media, MeetingService meetings, TokenService tokens, AuditLog audit, SignallingConfig config) {
        this(media, meetings, tokens, audit::record, config, ClientSession.invalidJoinLimit(System::nanoTime));
    }

    private Signalling(MediaEngine media, MeetingService meetings, TokenService tokens, AuditSink audit, SignallingConfig config,
                       SourceRateLimit invalidJoins) {
        this.invalidJoins = invalidJoins;
        this.meetings = meetings;
        this.tokens = tokens;
        this.config = config;
        this.echoes = new EchoSessions(media::createRouter, config.echo(), System::nanoTime);
        this.rooms = new Rooms(media::createRouter, config.maxGroupParticipants(), joinWindow(meetings),
                meetings.rules().joinGrace(), audit, Clock.systemUTC());
        try {
            meetings.addListener(rooms);
        } catch (UnsupportedOperationException e) {
            // A booking side without listeners (issue 3's stub): cancellations simply do not reach live rooms.
            LOG.log(System.Logger.Level.WARNING, "the meeting service takes no listeners; cancellations will not reach live rooms");
        }
    }

    /**
     * {@link MeetingService#isOpenForJoining}, or always open while the booking side does not implement it
     * yet (issue 3's stub throws {@link UnsupportedOperationException}); said once in the log.
     */
    private static JoinWindow joinWindow(MeetingService meetings) {
        AtomicBoolean warned = new AtomicBoolean();
        return (Meeting meeting, Instant now) -> {
            try {
                return meetings.isOpenForJoining(meeting, now);
            } catch (UnsupportedOperationException e) {
                if (warned.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "the meeting service has no join window; every meeting is open");
                }
                return true;
            }
        };
    }

    /**
     * A session for a new WebSocket connection from an unknown address; nothing happens until its first
     * message (join). Its invalid joins are limited on the connection only: prefer {@link #openSession(SessionOutput, SocketAddress)}.
     */
    public SignallingSession openSession(SessionOutput output) {
        return new ClientSession(output, rooms, meetings, tokens, config);
    }

    /**
     * A session for a new WebSocket connection from {@code remote} (the client's address); nothing happens
     * until its first message (join). Joins with invalid tokens are limited per address, over all connections
     * ({@link ClientSession#MAX_INVALID_JOINS} a minute).
     */
    public SignallingSession openSession(SessionOutput output, SocketAddress remote) {
        return new ClientSession(output, rooms, meetings, tokens, config, invalidJoins, SourceRateLimit.sourceOf(remote), echoes);
    }

    /**
     * Joins refused by reason, for the metrics: {@code invalid_token} (a bad, expired or foreign token) and
     * {@code too_many_attempts} (its address had too many of those). Counts only, no addresses.
     */
    public Map<String, Long> joinRefusals() {
        return Map.of("invalid_token", invalidJoins.recordedCount(), "too_many_attempts", invalidJoins.refusedCount());
    }

    /**
     * The echo tests' counters, for the metrics: {@code echo.started}, {@code echo.refused.busy},
     * {@code echo.refused.too_many_checks}, {@code echo.ended.time_limit}.
     */
    public Map<String, Long> echoCounters() {
        return echoes.counters();
    }

    /** Echo tests going on now. */
    public int echoCount() {
        return echoes.activeCount();
    }

    /** The live rooms, for other ways in (the telephone side seats callers through them). */
    public Rooms rooms() {
        return rooms;
    }

    /** Live rooms (meetings with at least one connected participant, seated or waiting). */
    public int roomCount() {
        return rooms.roomCount();
    }

    /** Seated participants over all rooms. */
    public int participantCount() {
        return rooms.participantCount();
    }

    /** Participants waiting in a lobby over all rooms. */
    public int waitingCount() {
        return rooms.waitingCount();
    }

    @Override
    public void close() {
        echoes.close();
        rooms.closeAll();
    }
}
