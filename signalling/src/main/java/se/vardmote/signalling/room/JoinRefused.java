package se.vardmote.signalling.room;

/** A join the room will not take; {@link #code()} is the protocol error code (e.g. {@code room_full}). */
public final class JoinRefused extends Exception {
    private final String code;

    public JoinRefused(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
