package se.vardmote.signalling.meeting;

/**
 * A booking body that cannot be accepted; {@link #field()} names the JSON field, {@link #code()} says why:
 * {@link #INVALID_FIELD} (malformed or out of range: HTTP 400), or, well-formed but not bookable (HTTP 422),
 * {@link #SENSITIVE_DATA} (personal data that must not be in an invitation, see {@link SensitiveText}) or
 * {@link #TOO_MANY_PARTICIPANTS} (more people than the kind of visit seats).
 */
public final class InvalidBookingException extends Exception {
    public static final String INVALID_FIELD = "invalid_field";
    public static final String SENSITIVE_DATA = "sensitive_data";
    public static final String TOO_MANY_PARTICIPANTS = "too_many_participants";

    private final String field;
    private final String code;

    public InvalidBookingException(String field, String message) {
        this(field, message, INVALID_FIELD);
    }

    public InvalidBookingException(String field, String message, String code) {
        super(message);
        this.field = field;
        this.code = code == null ? INVALID_FIELD : code;
    }

    public String field() {
        return field;
    }

    /** {@link #INVALID_FIELD}, {@link #SENSITIVE_DATA} or {@link #TOO_MANY_PARTICIPANTS}. */
    public String code() {
        return code;
    }

    /** Whether the field was refused for carrying personal data (HTTP 422) rather than for its form. */
    public boolean isSensitiveData() {
        return SENSITIVE_DATA.equals(code);
    }

    /** Whether the body was well-formed but cannot be booked (HTTP 422) rather than malformed (HTTP 400). */
    public boolean isUnprocessable() {
        return !INVALID_FIELD.equals(code);
    }
}
