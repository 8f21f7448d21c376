package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.VardmoteServer;

/**
 * Soak with churn: a real server in this JVM (loopback, ephemeral ports) and the load tester's
 * {@link ChurnRun} — 3 rooms of 3, one participant leaving and one joining every second (every other one
 * dropping off without a word, so that the server's reconnect path runs too), a room closed and a new one
 * opened every 10 s — for {@code vardmote.soak.seconds} (150 by default; 1200 for the documented long run).
 * Before (after a 20 s churn warm-up and a GC) and after (once everyone left, up to 15 s to settle), the
 * server's rooms, participants, transports, routers, streams and subscriptions must be equal, live threads
 * within {@link SoakCheck#THREAD_TOLERANCE}, heap after GC within {@link SoakCheck#HEAP_TOLERANCE_BYTES}, and
 * Netty's leak detector (paranoid in the test JVM) must have reported nothing.
 */
class SoakTest {

    static final int SOAK_SECONDS = Integer.getInteger("vardmote.soak.seconds", 150);
    static final int WARM_UP_SECONDS = 20;
    static final Duration SETTLE = Duration.ofSeconds(15);

    @Test
    @Timeout(value = 3600 + 300, unit = TimeUnit.SECONDS)
    void serverReturnsToItsBaselineAfterChurn(@TempDir Path dataDir) throws Exception {
        assertTrue(SOAK_SECONDS >= 10 && SOAK_SECONDS <= 3600, "vardmote.soak.seconds must be 10..3600");
        List<String> leaks = new CopyOnWriteArrayList<>();
        listenForLeaks(leaks);
        ExecutorService metricsThreads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "soak-metrics");
            t.setDaemon(true);
            return t;
        });
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dataDir))) {
            URI base = URI.create("http://127.0.0.1:" + server.httpPort());
            HttpClient http = HttpClient.newBuilder().executor(metricsThreads).build();
            Supplier<ServerState> counts = SoakCheck.scraping(http, base);
            LoadSettings settings = new LoadSettings(base, server.apiKey(), 3, 3, false, 300, 1, WARM_UP_SECONDS, 20,
                    false, 1, 10);
            PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

            // Warm-up: the same churn, so that the JIT, the pools and the meters are where a soak leaves them.
            new ChurnRun(settings, console).run();
            ServerState zero = counts.get().withJvm(0, 0);
            ServerState settled = SoakCheck.settle(counts, new ServerState(0, 0, 0, 0, 0, 0, 0, 0), SETTLE);
            assertTrue(settled.countsEqual(new ServerState(0, 0, 0, 0, 0, 0, 0, 0)),
                    "the warm-up did not return to zero: " + settled + " (first reading " + zero + ")");
            Map<String, Integer> threadsBefore = threadsByName();
            ServerState before = settled.withJvm(liveThreads(), heapAfterGc());
            HeapHistogram histogramBefore = HeapHistogram.take();

            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            ChurnReport report;
            ServerState peak;
            try (SoakCheck.Peak sampler = new SoakCheck.Peak(counts)) {
                report = new ChurnRun(settings.withChurn(1, 10, SOAK_SECONDS), out).run();
                peak = sampler.peak();
            }
            report.print(out);

            long ended = System.nanoTime();
            ServerState counted = SoakCheck.settle(counts, before, SETTLE);
            double settleSeconds = (System.nanoTime() - ended) / 1e9;
            // Threads that end some time after their work (HttpClient's selector, once its client is collected).
            int threads = liveThreads();
            for (int i = 0; i < 15 && Math.abs(threads - before.liveThreads()) > SoakCheck.THREAD_TOLERANCE; i++) {
                System.gc();
                Thread.sleep(1000);
                threads = liveThreads();
            }
            ServerState after = counted.withJvm(threads, heapAfterGc());
            HeapHistogram histogramAfter = HeapHistogram.take();
            List<String> grown = histogramAfter.growthSince(histogramBefore, 20);
            // The load tester shares the JVM: the server's own classes apart, then the libraries it and the load
            // tester use (by package).
            List<String> grownOurs = histogramAfter.growthSince(histogramBefore, 20, "se.vardmote.");
            List<String> grownLibraries = histogramAfter.growthSince(histogramBefore, 12, "io.netty.",
                    "org.bouncycastle.", "io.micrometer.", "org.h2.", "org.HdrHistogram.", "java.net.http.", "jdk.internal.net.http.");
            // Leaks are reported when a later allocation finds a collected, unreleased buffer: allocate some.
            for (int i = 0; i < 64; i++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer(16);
                b.release();
            }
            out.printf(Locale.ROOT, "%nsoak: %d s of churn, the server back at its baseline %.1f s after the last participant left%n",
                    SOAK_SECONDS, settleSeconds);
            SoakCheck.print(before, peak, after, "heap after GC", out);
            out.println("threads before: " + threadsBefore);
            out.println("threads after:  " + threadsByName());
            out.println("Netty leak reports: " + leaks.size());
            out.println("live objects that grew most (bytes, instances, class):");
            grown.forEach(line -> out.println("  " + line));
            out.println("of which vardmote's own (server and load tester):");
            grownOurs.forEach(line -> out.println("  " + line));
            out.println("and libraries' (Netty, BouncyCastle, Micrometer, H2, HTTP client):");
            grownLibraries.forEach(line -> out.println("  " + line));
            System.out.println(printed.toString(StandardCharsets.UTF_8));

            assertTrue(peak.rooms() >= 3 && peak.transports() >= 18 && peak.routers() >= 3 && peak.streams() >= 18
                    && peak.subscriptions() >= 36, "the churn never filled the rooms (peak " + peak + ")\n" + printed);
            List<String> problems = SoakCheck.problems(before, after, true);
            assertTrue(problems.isEmpty(), "leak: " + problems + "\n" + printed);
            assertTrue(leaks.isEmpty(), "Netty reported leaked buffers:\n" + String.join("\n\n", leaks));
            assertTrue(report.joins() >= SOAK_SECONDS, "churn fell behind: " + report);
            assertTrue(report.joinsConnected() >= 0.9 * (report.joins() - report.leftBeforeConnected()),
                    "too few joins connected: " + report);
            assertEquals(Map.of(), report.failures(), "failures during churn\n" + printed);
        } finally {
            metricsThreads.shutdownNow();
        }
    }

    /** Netty reports a leak when it finds a collected buffer that was never released; keep each report. */
    @SuppressWarnings("unchecked")
    private static void listenForLeaks(List<String> leaks) throws ReflectiveOperationException {
        Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
        f.setAccessible(true);
        ResourceLeakDetector<ByteBuf> detector = (ResourceLeakDetector<ByteBuf>) f.get(null);
        detector.setLeakListener((type, records) -> leaks.add(type + ": "
                + (records.length() > 4000 ? records.substring(0, 4000) + "…" : records)));
        assertEquals("PARANOID", ResourceLeakDetector.getLevel().name(),
                "the soak runs with -Dio.netty.leakDetection.level=paranoid (the surefire argLine)");
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Live threads by name with its trailing number removed, for the report (what grew, if anything). */
    private static Map<String, Integer> threadsByName() {
        Map<String, Integer> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.merge(t.getName().replaceAll("[-#]?\\d+(-\\d+)*$", "").replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        return out;
    }

    /** Heap in use after a full collection: the least of a few tries (a concurrent cycle may still be running). */
    private static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
