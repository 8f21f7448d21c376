package se.vardmote.media.phone;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a task once per 20 ms of wall clock on one event loop, each run scheduling the next against an absolute
 * deadline (so the loop's scheduling error does not accumulate). After a long stall the missed runs are
 * skipped and counted, not made up in a burst: a gateway's jitter buffer copes with a gap better than with a
 * flood. Owned by its loop: {@link #start} and {@link #stop} run there; {@link #skippedTicks} from any thread.
 */
final class FramePacer {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Behind by more than this (a stalled loop, a GC pause), the pacer skips ahead rather than bursting. */
    private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(60);

    private final EventLoop loop;
    private final Runnable frame;
    private final BooleanSupplier stopped;
    private final Runnable tickTask = this::tick;
    private long nextTickNanos;
    private ScheduledFuture<?> ticker;
    private volatile long skipped;

    /** @param stopped true once the owner has closed: no further runs are made or scheduled */
    FramePacer(EventLoop loop, Runnable frame, BooleanSupplier stopped) {
        this.loop = loop;
        this.frame = frame;
        this.stopped = stopped;
    }

    /** The first run 20 ms from now. On the loop. */
    void start() {
        nextTickNanos = System.nanoTime() + TICK_NANOS;
        schedule();
    }

    /** Cancels the next run. On the loop. */
    void stop() {
        if (ticker != null) ticker.cancel(false);
    }

    /** Runs skipped because the loop fell behind. */
    long skippedTicks() {
        return skipped;
    }

    private void tick() {
        if (stopped.getAsBoolean()) return;
        frame.run();
        nextTickNanos += TICK_NANOS;
        long now = System.nanoTime();
        if (now - nextTickNanos > MAX_LAG_NANOS) {
            long behind = (now - nextTickNanos) / TICK_NANOS;
            skipped += behind;
            nextTickNanos += behind * TICK_NANOS;
        }
        schedule();
    }

    private void schedule() {
        if (stopped.getAsBoolean()) return;
        ticker = loop.schedule(tickTask, Math.max(0, nextTickNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
