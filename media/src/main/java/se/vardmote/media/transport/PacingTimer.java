package se.vardmote.media.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker's pacing tick: every {@link #TICK_MILLIS} it drains the pacers that have packets waiting. A
 * single periodic task per worker, started when a pacer first has to wait and stopped after a second with
 * none waiting, rather than a timer per transport or per burst (each Netty schedule is an object).
 * Event loop only.
 */
final class PacingTimer {

    static final long TICK_MILLIS = 5;
    /** Idle ticks after which the periodic task stops. */
    static final int IDLE_TICKS = 200;

    private final EventLoop loop;
    private final ArrayList<Pacer> waiting = new ArrayList<>();
    private ScheduledFuture<?> task;
    private int idleTicks;

    PacingTimer(EventLoop loop) {
        this.loop = loop;
    }

    /** {@code pacer} has packets waiting; it is drained from the next tick until it has none. */
    void schedule(Pacer pacer) {
        if (pacer.scheduled()) return;
        pacer.scheduled(true);
        waiting.add(pacer);
        if (task == null) {
            idleTicks = 0;
            task = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    void tick() {
        if (waiting.isEmpty()) {
            if (++idleTicks >= IDLE_TICKS) stop();
            return;
        }
        idleTicks = 0;
        long now = System.nanoTime();
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Pacer pacer = waiting.get(i);
            if (!pacer.drain(now)) {
                pacer.scheduled(false);
                int last = waiting.size() - 1;
                waiting.set(i, waiting.get(last));
                waiting.remove(last);
            }
        }
    }

    /** Forgets {@code pacer} (its transport closed and discarded what waited). */
    void remove(Pacer pacer) {
        if (pacer.scheduled()) {
            waiting.remove(pacer);
            pacer.scheduled(false);
        }
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** Pacers with packets waiting (tests). */
    int waiting() {
        return waiting.size();
    }
}
