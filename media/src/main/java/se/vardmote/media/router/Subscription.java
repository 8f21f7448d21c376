package se.vardmote.media.router;

/** One subscriber's view of one published stream. Handle returned by {@link Router#subscribe}. */
public final class Subscription {
}
