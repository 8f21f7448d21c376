package se.vardmote.signalling;

import se.vardmote.media.MediaEngine;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.token.TokenService;

/**
 * The signalling module's public entry point: live rooms and the WebSocket protocol that drives them.
 * Thread-safe.
 */
public final class Signalling implements AutoCloseable {

    public Signalling(MediaEngine media, MeetingService meetings, TokenService tokens, SignallingConfig config) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A session for a new WebSocket connection; nothing happens until its first message (join). */
    public SignallingSession openSession(SessionOutput output) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Live rooms (meetings with at least one connected participant). */
    public int roomCount() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Connected participants over all rooms. */
    public int participantCount() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
