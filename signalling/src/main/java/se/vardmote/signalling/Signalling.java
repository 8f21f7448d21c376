package se.vardmote.signalling;

import se.vardmote.media.MediaEngine;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.protocol.ClientSession;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.token.TokenService;

/**
 * The signalling module's public entry point: live rooms and the WebSocket protocol that drives them.
 * Thread-safe.
 */
public final class Signalling implements AutoCloseable {
    private final MeetingService meetings;
    private final TokenService tokens;
    private final SignallingConfig config;
    private final Rooms rooms;

    public Signalling(MediaEngine media, MeetingService meetings, TokenService tokens, SignallingConfig config) {
        this.meetings = meetings;
        this.tokens = tokens;
        this.config = config;
        this.rooms = new Rooms(media::createRouter, config.maxGroupParticipants());
    }

    /** A session for a new WebSocket connection; nothing happens until its first message (join). */
    public SignallingSession openSession(SessionOutput output) {
        return new ClientSession(output, rooms, meetings, tokens, config);
    }

    /** Live rooms (meetings with at least one connected participant). */
    public int roomCount() {
        return rooms.roomCount();
    }

    /** Connected participants over all rooms. */
    public int participantCount() {
        return rooms.participantCount();
    }

    @Override
    public void close() {
        rooms.closeAll();
    }
}
