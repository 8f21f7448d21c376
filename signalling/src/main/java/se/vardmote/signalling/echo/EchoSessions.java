package se.vardmote.signalling.echo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.sdp.SdpException;

/**
 * The server's echo tests: starts them within {@link EchoLimits} (a cap over the server, a rate per source
 * address) and ends each at its hard maximum. Refusals are counted ({@link #counters()}), never logged, and
 * nothing about who asked is kept but the address in the rate limit's memory. Thread-safe.
 */
public final class EchoSessions implements AutoCloseable {
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

    private final Supplier<Router> routers;
    private final EchoLimits limits;
    private final SourceRateLimit perSource;
    private final ScheduledExecutorService timer;
    private final Set<EchoSession> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger places = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong refusedBusy = new AtomicLong();
    private final AtomicLong timeLimits = new AtomicLong();

    /**
     * @param routers   makes a router on a media worker for each session ({@code MediaEngine::createRouter})
     * @param nanoClock the rate limit's monotonic clock ({@code System::nanoTime}; tests move their own)
     */
    public EchoSessions(Supplier<Router> routers, EchoLimits limits, LongSupplier nanoClock) {
        this.routers = routers;
        this.limits = limits;
        this.perSource = new SourceRateLimit(limits.perSourcePerMinute(), RATE_WINDOW, nanoClock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vardmote-echo-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts an echo test for a client at {@code source} ({@link SourceRateLimit#sourceOf}) with its publish
     * offer. {@code onTimeLimit} runs (on the timer's thread) if the session is still going at
     * {@link EchoLimits#maxDuration()}, after it has ended.
     *
     * @throws EchoRefused  {@code echo_busy} (the server runs its maximum) or {@code too_many_checks} (this source
     *                      started its maximum within the minute)
     * @throws SdpException the offer cannot be used (it still counts against the source)
     */
    public EchoSession start(Object source, String offerSdp, Runnable onTimeLimit) throws EchoRefused, SdpException {
        return start(source, offerSdp, onTimeLimit, false);
    }

    /**
     * As {@link #start(Object, String, Runnable)}; {@code admitted}: this test was counted against {@code source}
     * already, by {@link #admit}, and is not counted again (the cap over the server still applies).
     */
    public EchoSession start(Object source, String offerSdp, Runnable onTimeLimit, boolean admitted)
            throws EchoRefused, SdpException {
        if (!takePlace()) throw busy();
        long wait = admitted ? 0 : perSource.tryAcquire(source);
        if (wait > 0) {
            places.decrementAndGet();
            throw tooManyChecks(wait);
        }
        EchoSession session;
        try {
            EchoSession[] self = new EchoSession[1];
            session = EchoSession.open(routers.get(), offerSdp, () -> {
                live.remove(self[0]);
                places.decrementAndGet();
            });
            self[0] = session;
        } catch (SdpException | RuntimeException e) {
            places.decrementAndGet();
            throw e;
        }
        live.add(session);
        started.incrementAndGet();
        try {
            timer.schedule(() -> {
                if (session.end()) {
                    timeLimits.incrementAndGet();
                    onTimeLimit.run();
                }
            }, limits.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            session.end(); // closing down
        }
        return session;
    }

    /**
     * Counts the start of an echo test against {@code source} before its offer comes: a client that first asks
     * for the ICE servers to reach the media port with (TURN credentials among them) is counted then, so that
     * nobody gets credentials beyond the rate of echo tests. Its {@link #start(Object, String, Runnable, boolean)}
     * then passes {@code admitted}. Takes no place under the cap, but refuses when the server runs its maximum.
     *
     * @throws EchoRefused {@code echo_busy} or {@code too_many_checks}, as {@link #start(Object, String, Runnable)}
     */
    public void admit(Object source) throws EchoRefused {
        if (places.get() >= limits.maxSessions()) throw busy();
        long wait = perSource.tryAcquire(source);
        if (wait > 0) throw tooManyChecks(wait);
    }

    private EchoRefused busy() {
        refusedBusy.incrementAndGet();
        return new EchoRefused("echo_busy", "the server is running as many echo tests as it allows; try again in a minute");
    }

    private static EchoRefused tooManyChecks(long waitSeconds) {
        return new EchoRefused("too_many_checks", "too many echo tests from this network; wait " + waitSeconds + " s");
    }

    private boolean takePlace() {
        while (true) {
            int n = places.get();
            if (n >= limits.maxSessions()) return false;
            if (places.compareAndSet(n, n + 1)) return true;
        }
    }

    /** Echo sessions going on now. */
    public int activeCount() {
        return live.size();
    }

    public EchoLimits limits() {
        return limits;
    }

    /**
     * For the metrics: {@code echo.started}, {@code echo.refused.busy}, {@code echo.refused.too_many_checks},
     * {@code echo.ended.time_limit}. Counts only, no addresses.
     */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("echo.started", started.get());
        c.put("echo.refused.busy", refusedBusy.get());
        c.put("echo.refused.too_many_checks", perSource.refusedCount());
        c.put("echo.ended.time_limit", timeLimits.get());
        return c;
    }

    /** Ends every session (the server stops). */
    @Override
    public void close() {
        timer.shutdownNow();
        for (EchoSession s : live) s.end();
    }
}
