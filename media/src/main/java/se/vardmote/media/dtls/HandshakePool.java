package se.vardmote.media.dtls;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a media engine's DTLS handshakes run, bounded in threads and in time: a fixed set of
 * "dtls-handshake-N" threads ({@link DtlsHandshakeLimits#threads}), at most
 * {@link DtlsHandshakeLimits#maxInProgress} handshakes admitted at once and
 * {@link DtlsHandshakeLimits#maxPerSource} from one address, and a deadline for each. Beyond a bound a new
 * handshake is refused before anything is kept for it; past its deadline a handshake is abandoned: its
 * datagram queue is closed, which ends bctls's blocking read at once and frees the thread.
 *
 * <p>The deadline runs from admission (the first record), not from when a thread takes the handshake:
 * the peer's own timers run from its ClientHello, a handshake that waited out its deadline in the queue has
 * no time left to finish, and so every admitted place turns over within one deadline however busy the
 * threads are. Such a handshake never gets a thread.
 *
 * <p>Counts by reason, never by address ({@link #counters}). Thread-safe: {@link #admit} is called on the
 * media event loops, the rest from any thread; one "dtls-deadline" thread runs the deadlines.
 */
public final class HandshakePool implements AutoCloseable {

    private final DtlsHandshakeLimits limits;
    private final long deadlineNanos;
    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor deadlines;

    // Guarded by this
    private final HashMap<Source, Integer> perSource = new HashMap<>();
    private int inProgress;

    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refusedTooMany = new AtomicLong();
    private final AtomicLong refusedPerSource = new AtomicLong();
    private final AtomicLong abandonedRunning = new AtomicLong();
    private final AtomicLong abandonedQueued = new AtomicLong();

    /** @param deadline how long a handshake may take from its first record, waiting for a thread included */
    public HandshakePool(DtlsHandshakeLimits limits, Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("DTLS deadline must be positive");
        this.limits = limits;
        this.deadlineNanos = deadline.toNanos();
        AtomicInteger made = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(limits.threads(), limits.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "dtls-handshake-" + made.incrementAndGet()));
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "dtls-deadline"));
        this.deadlines.setRemoveOnCancelPolicy(true); // a completed handshake leaves nothing behind
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public DtlsHandshakeLimits limits() {
        return limits;
    }

    public Duration deadline() {
        return Duration.ofNanos(deadlineNanos);
    }

    /**
     * A place for one new handshake from {@code source}, or null when the source already has
     * {@code maxPerSource} in progress or the engine {@code maxInProgress} (counted by reason). The deadline
     * starts now; {@link Slot#start} hands the work to a thread.
     */
    Slot admit(InetAddress source) {
        Source key = Source.of(source);
        synchronized (this) {
            int fromSource = perSource.getOrDefault(key, 0);
            if (fromSource >= limits.maxPerSource()) {
                refusedPerSource.incrementAndGet();
                return null;
            }
            if (inProgress >= limits.maxInProgress()) {
                refusedTooMany.incrementAndGet();
                return null;
            }
            perSource.put(key, fromSource + 1);
            inProgress++;
        }
        admitted.incrementAndGet();
        return new Slot(key, System.nanoTime());
    }

    private synchronized void release(Source key) {
        inProgress--;
        perSource.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The handshake threads, for the short tasks of established associations. */
    Executor executor() {
        return threads;
    }

    /** Handshakes admitted and not yet finished, abandoned or cancelled. Any thread. */
    public synchronized int inProgress() {
        return inProgress;
    }

    /** Handshake threads running a task now. Any thread; approximate, as {@link ThreadPoolExecutor#getActiveCount}. */
    public int busyThreads() {
        return threads.getActiveCount();
    }

    /**
     * Counters by name: {@code dtls.handshakes.admitted}, {@code dtls.handshakes.refused.too_many},
     * {@code dtls.handshakes.refused.per_source}, {@code dtls.handshakes.abandoned.running} (the deadline
     * passed while a thread ran it) and {@code dtls.handshakes.abandoned.queued} (it passed before any thread
     * was free). Any thread.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("dtls.handshakes.admitted", admitted.get());
        out.put("dtls.handshakes.refused.too_many", refusedTooMany.get());
        out.put("dtls.handshakes.refused.per_source", refusedPerSource.get());
        out.put("dtls.handshakes.abandoned.running", abandonedRunning.get());
        out.put("dtls.handshakes.abandoned.queued", abandonedQueued.get());
        return out;
    }

    /** Stops the threads, waiting up to 2 s for running tasks (closed transports end theirs at once). */
    @Override
    public void close() {
        deadlines.shutdownNow();
        threads.shutdown();
        try {
            if (!threads.awaitTermination(2, TimeUnit.SECONDS)) threads.shutdownNow();
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One admitted handshake's place: queued, then running, then done, or abandoned at its deadline, or
     * cancelled because its transport closed first. The place is given back exactly once: when the thread
     * leaves the work, or at once when it never got a thread.
     */
    final class Slot implements Runnable {
        private static final int QUEUED = 0, RUNNING = 1, DONE = 2, ABANDONED = 3, CANCELLED = 4;

        private final Source source;
        private final long admittedNanos;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Runnable work;
        private volatile Runnable abandon;
        private volatile ScheduledFuture<?> deadline;

        private Slot(Source source, long admittedNanos) {
            this.source = source;
            this.admittedNanos = admittedNanos;
        }

        /**
         * Queues {@code work} for a handshake thread and arms the deadline, which calls {@code abandon} (on
         * the deadline thread) if the work has not {@link #complete}d by then. Throws
         * {@link RejectedExecutionException} when the pool is closed (the place is given back).
         */
        void start(Runnable work, Runnable abandon) {
            this.work = work;
            this.abandon = abandon;
            try {
                long left = admittedNanos + deadlineNanos - System.nanoTime();
                deadline = deadlines.schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
                threads.execute(this);
            } catch (RejectedExecutionException e) {
                if (state.compareAndSet(QUEUED, CANCELLED)) stopWaiting();
                throw e;
            }
        }

        /** On a handshake thread. */
        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) return; // abandoned or cancelled while queued
            try {
                work.run();
            } finally {
                state.compareAndSet(RUNNING, DONE);
                cancelDeadline();
                giveBack();
            }
        }

        /** Milliseconds left before the deadline, at least 1. */
        int remainingMillis() {
            long left = admittedNanos + deadlineNanos - System.nanoTime();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
        }

        /** The work finished its handshake in time; false when the deadline had already abandoned it. */
        boolean complete() {
            return state.compareAndSet(RUNNING, DONE);
        }

        /**
         * The deadline has passed: counts the abandonment and calls {@code abandon} once. Called by the
         * deadline thread, or by the work when bctls's own timer (set to the same deadline) fired first.
         */
        void expire() {
            if (state.compareAndSet(QUEUED, ABANDONED)) {
                abandonedQueued.incrementAndGet();
                stopWaiting();
                abandon.run();
            } else if (state.compareAndSet(RUNNING, ABANDONED)) {
                abandonedRunning.incrementAndGet();
                abandon.run(); // closes the datagram queue: the thread's read fails and it leaves the work
            }
        }

        /** The transport closed: a queued handshake gives its place back now (a running one ends by itself). */
        void cancel() {
            if (state.compareAndSet(QUEUED, CANCELLED)) stopWaiting();
        }

        private void stopWaiting() {
            threads.remove(this);
            cancelDeadline();
            giveBack();
        }

        private void cancelDeadline() {
            ScheduledFuture<?> f = deadline;
            if (f != null) f.cancel(false);
        }

        private void giveBack() {
            if (released.compareAndSet(false, true)) release(source);
        }
    }

    /** Whose handshake it is: an IPv4 address, or an IPv6 /64 (one subscriber's prefix), as the rate limits do. */
    private record Source(boolean v6, long bits) {
        static Source of(InetAddress address) {
            if (address == null) return new Source(false, -1);
            byte[] b = address.getAddress();
            if (address instanceof Inet4Address) {
                return new Source(false, ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL));
            }
            long prefix = 0;
            for (int i = 0; i < 8; i++) prefix = (prefix << 8) | (b[i] & 0xFFL);
            return new Source(true, prefix);
        }
    }
}
