package se.vardmote.loadtest;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The verdict of a soak: after churn has stopped and every visit has ended, the server must be back where
 * it started. Rooms, participants, transports, routers, streams and subscriptions exactly (each is state a
 * visit owns; one left over is a leak); live threads within {@link #THREAD_TOLERANCE}; heap in use after a
 * collection within {@link #HEAP_TOLERANCE_BYTES} above the baseline (judged only where a collection could
 * be forced: a server in the same process). Stateless.
 */
public final class SoakCheck {

    /**
     * Live threads may differ this much: pools that grow on demand and let idle threads go after a while
     * (the server's booking pool, 4 threads, idle 30 s; the JDK's common pool; HttpClient's selector thread,
     * which ends only once its client is collected) sit anywhere between empty and full at either reading.
     * A thread leaked per visit or per join would show as dozens to hundreds after a soak.
     */
    public static final int THREAD_TOLERANCE = 8;

    /**
     * Heap after a collection may grow this much: Netty's pooled arenas keep the chunks (4 MiB each, heap
     * buffers on the media loops) that the busiest second needed, and caches filled once (Micrometer meters,
     * JIT-deoptimisation metadata, the class-data of code first run during churn) stay. What a leaked visit
     * holds (router state, retransmission caches of its streams, the transports' SRTP contexts) is tens of
     * KiB to MiB per visit, so hundreds of joins leaking would cross it.
     */
    public static final long HEAP_TOLERANCE_BYTES = 16L << 20;

    private SoakCheck() {}

    /** Reads the server's state from its {@code /metrics}. */
    static Supplier<ServerState> scraping(HttpClient http, URI server) {
        return () -> ServerState.of(MetricsScrape.fetch(http, server));
    }

    /**
     * Polls {@code read} every 250 ms until its counts equal {@code baseline}'s, for at most {@code atMost};
     * returns the last reading (the counts may still differ: the caller judges).
     */
    public static ServerState settle(Supplier<ServerState> read, ServerState baseline, Duration atMost)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        ServerState now = read.get();
        while (!now.countsEqual(baseline) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            now = read.get();
        }
        return now;
    }

    /** What is not back at the baseline, one line each for the operator; empty when nothing leaked. */
    public static List<String> problems(ServerState before, ServerState after, boolean judgeHeap) {
        List<String> out = new ArrayList<>();
        exact(out, "rooms", before.rooms(), after.rooms());
        exact(out, "participants", before.participants(), after.participants());
        exact(out, "media transports", before.transports(), after.transports());
        exact(out, "routers", before.routers(), after.routers());
        exact(out, "published streams", before.streams(), after.streams());
        exact(out, "subscriptions", before.subscriptions(), after.subscriptions());
        if (!(Math.abs(after.liveThreads() - before.liveThreads()) <= THREAD_TOLERANCE)) {
            out.add(String.format(Locale.ROOT, "live threads: %.0f before, %.0f after (tolerance ±%d)",
                    before.liveThreads(), after.liveThreads(), THREAD_TOLERANCE));
        }
        if (judgeHeap && !(after.heapUsedBytes() - before.heapUsedBytes() <= HEAP_TOLERANCE_BYTES)) {
            out.add(String.format(Locale.ROOT, "heap after GC: %.1f MiB before, %.1f MiB after (tolerance +%d MiB)",
                    before.heapUsedBytes() / (1 << 20), after.heapUsedBytes() / (1 << 20), HEAP_TOLERANCE_BYTES >> 20));
        }
        return out;
    }

    private static void exact(List<String> out, String what, double before, double after) {
        if (before != after) {
            out.add(String.format(Locale.ROOT, "%s: %.0f before, %.0f after (must be equal)", what, before, after));
        }
    }

    /** The before/peak/after table ({@code peak}: the most of each seen during the churn, from {@link Peak}). */
    public static void print(ServerState before, ServerState peak, ServerState after, String heapLabel, PrintStream out) {
        out.printf(Locale.ROOT, "%-22s %12s %12s %12s%n", "server", "before", "churn peak", "after");
        row(out, "rooms", before.rooms(), peak.rooms(), after.rooms());
        row(out, "participants", before.participants(), peak.participants(), after.participants());
        row(out, "media transports", before.transports(), peak.transports(), after.transports());
        row(out, "routers", before.routers(), peak.routers(), after.routers());
        row(out, "published streams", before.streams(), peak.streams(), after.streams());
        row(out, "subscriptions", before.subscriptions(), peak.subscriptions(), after.subscriptions());
        row(out, "live threads", before.liveThreads(), peak.liveThreads(), after.liveThreads());
        out.printf(Locale.ROOT, "%-22s %12.1f %12s %12.1f%n", heapLabel + " MiB", before.heapUsedBytes() / (1 << 20),
                "-", after.heapUsedBytes() / (1 << 20));
    }

    private static void row(PrintStream out, String what, double before, double peak, double after) {
        out.printf(Locale.ROOT, "%-22s %12.0f %12.0f %12.0f%n", what, before, peak, after);
    }

    /**
     * The most of each count seen while churn runs, read once a second on a daemon thread: proof that the
     * gauges the verdict compares did move (a gauge stuck at 0 would pass any soak).
     */
    public static final class Peak implements AutoCloseable {
        private final Thread thread;
        private volatile ServerState peak = new ServerState(0, 0, 0, 0, 0, 0, 0, 0);
        private volatile boolean running = true;

        public Peak(Supplier<ServerState> read) {
            thread = new Thread(() -> {
                while (running) {
                    ServerState s = read.get();
                    ServerState p = peak;
                    peak = new ServerState(max(p.rooms(), s.rooms()), max(p.participants(), s.participants()),
                            max(p.transports(), s.transports()), max(p.routers(), s.routers()),
                            max(p.streams(), s.streams()), max(p.subscriptions(), s.subscriptions()),
                            max(p.liveThreads(), s.liveThreads()), max(p.heapUsedBytes(), s.heapUsedBytes()));
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "soak-peak");
            thread.setDaemon(true);
            thread.start();
        }

        private static double max(double a, double b) {
            return Double.isNaN(b) ? a : Math.max(a, b);
        }

        /** The peak so far. */
        public ServerState peak() {
            return peak;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(15_000);
        }
    }
}
