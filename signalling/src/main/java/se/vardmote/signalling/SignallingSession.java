package se.vardmote.signalling;

/**
 * One WebSocket connection's view of the signalling protocol (see docs/protocol.md).
 * The server feeds it every text frame and tells it when the connection closes.
 */
public interface SignallingSession {

    /** One text frame as received (already limited in size by the server). */
    void onMessage(String text);

    /** The connection is gone; frees the participant's seat, transports, streams and subscriptions. */
    void onClose();
}
