package se.vardmote.signalling.store;

/**
 * The meeting database could not do what was asked (unreachable, full, a constraint that should never fail).
 * Not the caller's fault: an HTTP route answers 503 and the operator reads the cause in the log.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
