package se.vardmote.server;

/**
 * A setting that keeps the server from starting. The message names the variable and says what to set;
 * it never repeats a secret's value. Immutable.
 */
public final class InvalidConfigException extends RuntimeException {
    private final String variable;

    public InvalidConfigException(String variable, String message) {
        super(variable + ": " + message);
        this.variable = variable;
    }

    /** The environment variable (or properties key) at fault, e.g. {@code VARDMOTE_HTTP_PORT}. */
    public String variable() {
        return variable;
    }
}
