package se.vardmote.signalling.meeting;

/**
 * A booking body that cannot be accepted; {@link #field()} names the JSON field, {@link #code()} says why:
 * {@link #INVALID_FIELD} (malformed or out of range: HTTP 400) or {@link #SENSITIVE_DATA} (well-formed but
 * carrying personal data that must not be in an invitation, see {@link SensitiveText}: HTTP 422).
 */
public final class InvalidBookingException extends Exception {
    public static final String INVALID_FIELD = "invalid_field";
    public static final String SENSITIVE_DATA = "sensitive_data";

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

    /** {@link #INVALID_FIELD} or {@link #SENSITIVE_DATA}. */
    public String code() {
        return code;
    }

    /** Whether the field was refused for carrying personal data (HTTP 422) rather than for its form. */
    public boolean isSensitiveData() {
        return SENSITIVE_DATA.equals(code);
    }
}
