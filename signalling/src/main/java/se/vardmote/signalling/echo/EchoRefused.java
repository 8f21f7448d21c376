package se.vardmote.signalling.echo;

/** An echo session was not started: {@code echo_busy} or {@code too_many_checks}; the message says what to do. */
public final class EchoRefused extends Exception {
    private final String code;

    EchoRefused(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
