package se.vardmote.signalling.token;

/** A join token that is malformed, badly signed or expired. The message never contains the token. */
public final class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message);
    }
}
