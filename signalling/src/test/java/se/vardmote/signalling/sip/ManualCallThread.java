package se.vardmote.signalling.sip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link CallThread} for unit tests: tasks run at once on the test thread, timers when time is advanced. */
final class ManualCallThread implements CallThread {

    private static final class Task implements Timer {
        final long due;
        final long order;
        final Runnable run;
        boolean cancelled;

        Task(long due, long order, Runnable run) {
            this.due = due;
            this.order = order;
            this.run = run;
        }

        @Override public void cancel() { cancelled = true; }
    }

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long order;

    @Override public long nowMillis() { return now; }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + delayMillis, order++, task);
        tasks.add(t);
        return t;
    }

    @Override public void execute(Runnable task) { task.run(); }

    /** Moves time forward, running every timer that falls due, in order. */
    void advance(long millis) {
        long until = now + millis;
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled && t.due <= until)
                    .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order)).orElse(null);
            if (next == null) break;
            tasks.remove(next);
            now = Math.max(now, next.due);
            next.run.run();
        }
        now = until;
    }

    long pendingTimers() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
