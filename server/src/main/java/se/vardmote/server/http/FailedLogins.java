package se.vardmote.server.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-source limit on failed API-key attempts: after {@link #MAX_FAILURES} wrong keys from one address within
 * {@link #WINDOW_NANOS}, that address is answered 429 until the window has passed, right key or not —
 * guessing the key costs a minute per ten tries. A request without a key is no guess and is not counted. Addresses only, never keys, are kept, for at most
 * {@link #MAX_SOURCES} sources (expired windows are dropped first; past that, new sources go unlimited
 * rather than memory growing). Thread-safe; allocation only per failing source.
 */
public final class FailedLogins {
    public static final int MAX_FAILURES = 10;
    public static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int MAX_SOURCES = 10_000;

    private static final class Window {
        final long startNanos;
        int failures;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Object, Window> bySource = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong limited = new AtomicLong();

    public FailedLogins(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public static FailedLogins systemClock() {
        return new FailedLogins(System::nanoTime);
    }

    /** The address a request came from (the whole remote address where it is not an IP one, as in tests). */
    static Object sourceOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress() : String.valueOf(remote);
    }

    /** Seconds {@code source} must wait before it may try again; 0 when it may try now. Counts a refusal. */
    public long retryAfterSeconds(Object source) {
        Window w = bySource.get(source);
        if (w == null) return 0;
        long now = nanoClock.getAsLong();
        long left;
        synchronized (w) {
            left = w.startNanos + WINDOW_NANOS - now;
            if (left <= 0) {
                bySource.remove(source, w);
                return 0;
            }
            if (w.failures < MAX_FAILURES) return 0;
        }
        limited.incrementAndGet();
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L));
    }

    /** A wrong key from {@code source}. */
    public void failed(Object source) {
        failed.incrementAndGet();
        long now = nanoClock.getAsLong();
        if (bySource.size() >= MAX_SOURCES) {
            bySource.values().removeIf(w -> now - w.startNanos >= WINDOW_NANOS);
            if (bySource.size() >= MAX_SOURCES) return;
        }
        Window w = bySource.compute(source, (k, old) -> old == null || now - old.startNanos >= WINDOW_NANOS ? new Window(now) : old);
        synchronized (w) {
            w.failures++;
        }
    }

    /** Failed attempts so far (a wrong key). */
    public long failedCount() {
        return failed.get();
    }

    /** Requests refused with 429 for too many failures. */
    public long limitedCount() {
        return limited.get();
    }
}
