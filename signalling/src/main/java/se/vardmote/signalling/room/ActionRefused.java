package se.vardmote.signalling.room;

/**
 * A room action (admit, deny, verify, mute, remove, end) that the room will not do; nothing changed.
 * {@link #code()} is the protocol error code: {@code forbidden} when the actor's role may not do it,
 * {@code unknown_participant} when the target is not there, {@code room_full} when an admission has no seat.
 */
public final class ActionRefused extends Exception {
    private final String code;

    public ActionRefused(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
