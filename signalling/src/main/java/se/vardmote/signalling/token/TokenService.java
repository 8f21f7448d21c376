package se.vardmote.signalling.token;

/** Placeholder: the meetings helper replaces this file. */
public final class TokenService {
}
