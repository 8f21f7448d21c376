package se.vardmote.signalling.limit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most {@code maxEvents} events per source within a fixed window that starts at the source's first
 * event; past that the source is refused until its window has passed. What counts as an event is the
 * caller's: a wrong API key, a join with an invalid token, a new SIP INVITE. Refusals are counted here
 * ({@link #refusedCount()}), never logged.
 *
 * <p>Sources are addresses ({@link #sourceOf}), never tokens, keys or numbers, kept in memory only, for at
 * most {@code maxSources} of them: when the table is full, expired windows are dropped first, and if it is
 * still full a new source goes unlimited rather than memory growing (the sources already tracked stay
 * limited). Thread-safe: callers on any thread; allocation only for a source's first event in a window.
 */
public final class SourceRateLimit {
    /** How many sources are tracked at once, at most. */
    public static final int DEFAULT_MAX_SOURCES = 10_000;

    /** One source's window. Its count changes only inside the map's {@code compute}, under the bin's lock. */
    private static final class Window {
        final long startNanos;
        volatile int events;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final int maxEvents;
    private final long windowNanos;
    private final int maxSources;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Object, Window> bySource = new ConcurrentHashMap<>();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests move their own) */
    public SourceRateLimit(int maxEvents, Duration window, LongSupplier nanoClock) {
        this(maxEvents, window, DEFAULT_MAX_SOURCES, nanoClock);
    }

    public SourceRateLimit(int maxEvents, Duration window, int maxSources, LongSupplier nanoClock) {
        if (maxEvents < 1 || window.isNegative() || window.isZero() || maxSources < 1) {
            throw new IllegalArgumentException("a limit needs at least one event, a positive window and one source");
        }
        this.maxEvents = maxEvents;
        this.windowNanos = window.toNanos();
        this.maxSources = maxSources;
        this.nanoClock = nanoClock;
    }

    /**
     * The source of a connection's remote address: its IP address; for IPv6 its /64 network, since one
     * subscriber holds at least that many addresses (RFC 6177) and could otherwise change address per try.
     * Anything else (an in-process channel in tests) is its text.
     */
    public static Object sourceOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) return sourceOf(inet.getAddress());
        return String.valueOf(remote);
    }

    /** @see #sourceOf(SocketAddress) */
    public static Object sourceOf(InetAddress address) {
        if (address == null) return "unknown";
        if (!(address instanceof Inet6Address)) return address;
        byte[] network = address.getAddress();
        java.util.Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always an address
        }
    }

    /**
     * Seconds {@code source} must wait before its next event is accepted; 0 when it may go on now. A
     * positive answer is counted as a refusal. Records nothing: pair with {@link #record} for events that
     * count only when they fail (a wrong key).
     */
    public long retryAfterSeconds(Object source) {
        Window w = bySource.get(source);
        if (w == null) return 0;
        long left = w.startNanos + windowNanos - nanoClock.getAsLong();
        if (left <= 0) {
            bySource.remove(source, w);
            return 0;
        }
        if (w.events < maxEvents) return 0;
        refused.incrementAndGet();
        return secondsRoundedUp(left);
    }

    /** One event from {@code source}, counted against it whether or not it is already over the limit. */
    public void record(Object source) {
        recorded.incrementAndGet();
        long now = nanoClock.getAsLong();
        if (!roomFor(source, now)) return;
        bySource.compute(source, (k, w) -> {
            Window current = w == null || expired(w, now) ? new Window(now) : w;
            current.events++;
            return current;
        });
    }

    /**
     * Records one event from {@code source} if it is within the limit and answers 0; otherwise records
     * nothing, counts a refusal and answers the seconds until the source's window has passed.
     */
    public long tryAcquire(Object source) {
        long now = nanoClock.getAsLong();
        if (!roomFor(source, now)) {
            recorded.incrementAndGet();
            return 0;
        }
        long[] wait = {0};
        bySource.compute(source, (k, w) -> {
            Window current = w == null || expired(w, now) ? new Window(now) : w;
            if (current.events >= maxEvents) {
                wait[0] = secondsRoundedUp(current.startNanos + windowNanos - now);
            } else {
                current.events++;
            }
            return current;
        });
        if (wait[0] > 0) refused.incrementAndGet();
        else recorded.incrementAndGet();
        return wait[0];
    }

    /** False when {@code source} is new and the table stays full even without its expired windows. */
    private boolean roomFor(Object source, long now) {
        if (bySource.size() < maxSources || bySource.containsKey(source)) return true;
        bySource.values().removeIf(w -> expired(w, now));
        return bySource.size() < maxSources;
    }

    private boolean expired(Window w, long now) {
        return now - w.startNanos >= windowNanos;
    }

    private static long secondsRoundedUp(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }

    /** Events recorded so far (with {@link #tryAcquire}: those accepted). */
    public long recordedCount() {
        return recorded.get();
    }

    /** Events refused so far for being over the limit. */
    public long refusedCount() {
        return refused.get();
    }

    /** Sources tracked now (expired windows included until they are dropped). */
    int trackedSources() {
        return bySource.size();
    }

    public int maxEvents() {
        return maxEvents;
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
