package se.vardmote.signalling;

/**
 * Where a {@link SignallingSession} writes: the WebSocket connection behind it. Thread-safe.
 */
public interface SessionOutput {

    /** Sends one JSON text frame. */
    void send(String json);

    /** Closes the connection (after what was sent has been flushed). */
    void close();
}
