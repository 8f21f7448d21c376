package se.vardmote.signalling.meeting;

/** A booking body that cannot be accepted; {@link #field()} names the JSON field. */
public final class InvalidBookingException extends Exception {
    private final String field;

    public InvalidBookingException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
