package se.vardmote.media.router;

/**
 * Bits per second over the last two windows of {@link #WINDOW_NANOS}: what one layer of a published stream
 * brings in, or what a subscriber is sent. {@link #add} runs per packet (one field add, no allocation);
 * {@link #roll} once a window, on the router's timer. Event loop only.
 */
final class BitrateMeter {

    static final long WINDOW_NANOS = 500_000_000L;

    private long current;
    private long previous;
    private long bitsPerSecond;

    void add(int bytes) {
        current += bytes;
    }

    /** Closes the current window: the rate becomes that of the last two windows (one second). */
    void roll() {
        bitsPerSecond = (previous + current) * 8;
        previous = current;
        current = 0;
    }

    /** The rate over the last second as of the last {@link #roll}; 0 when nothing came. */
    long bitsPerSecond() {
        return bitsPerSecond;
    }
}
