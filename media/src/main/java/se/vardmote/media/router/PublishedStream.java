package se.vardmote.media.router;

/** A stream published into a router. Handle returned by {@link Router#publish}. */
public final class PublishedStream {
}
