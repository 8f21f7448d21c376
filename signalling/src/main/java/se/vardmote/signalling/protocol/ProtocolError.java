package se.vardmote.signalling.protocol;

/**
 * An error the client is told about: {@code {"type":"error","code":...,"message":...}}.
 * {@link #fatal()} errors are followed by closing the connection.
 */
public final class ProtocolError extends Exception {
    private final String code;
    private final boolean fatal;

    public ProtocolError(String code, String message, boolean fatal) {
        super(message, null, false, false);
        this.code = code;
        this.fatal = fatal;
    }

    public static ProtocolError recoverable(String code, String message) {
        return new ProtocolError(code, message, false);
    }

    public static ProtocolError fatal(String code, String message) {
        return new ProtocolError(code, message, true);
    }

    public String code() {
        return code;
    }

    public boolean fatal() {
        return fatal;
    }
}
