package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load tester's command line: books visits on a running vardmote server, runs simulated participants
 * that speak the real protocols (WebSocket signalling, ICE, DTLS, SRTP), and reports loss, latency and
 * egress; or, with {@code --find-capacity}, steps the number of rooms up until loss or latency crosses a
 * threshold and reports the last good step; or, with {@code --churn-per-second}, soaks it with participants
 * leaving and joining every second ({@link ChurnRun}) and checks that its rooms, transports, routers,
 * subscriptions and threads are back at their baseline afterwards ({@link SoakCheck}). Runs on the calling
 * thread (see {@link LoadRun} for the rest).
 */
@Command(name = "vardmote-loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load test a vardmote server with simulated visits over the real protocols.")
public final class LoadTest implements Callable<Integer> {

    @Option(names = "--server", description = "Server base URL (default: ${DEFAULT-VALUE}).")
    URI server = URI.create("http://127.0.0.1:8080");

    @Option(names = "--api-key", description = "Booking API key. Prefer --api-key-file: a flag shows in `ps`.")
    String apiKey;

    @Option(names = "--api-key-file", description = "File holding the API key (default: ${DEFAULT-VALUE}).")
    Path apiKeyFile = Path.of("data", "api-key");

    @Option(names = "--rooms", description = "Visits to run at once (default: ${DEFAULT-VALUE}).")
    int rooms = 2;

    @Option(names = "--participants", description = "Participants per visit (default: ${DEFAULT-VALUE}).")
    int participants = 2;

    @Option(names = "--audio-only", description = "Send audio only.")
    boolean audioOnly;

    @Option(names = "--video-kbps", description = "Video bitrate per participant (default: ${DEFAULT-VALUE}).")
    int videoKbps = 1500;

    @Option(names = "--keyframe-interval", description = "Seconds between keyframes (default: ${DEFAULT-VALUE}).")
    int keyframeInterval = 3;

    @Option(names = "--duration", description = "Seconds measured, after all connected (default: ${DEFAULT-VALUE}).")
    int duration = 30;

    @Option(names = "--ramp-up", description = "Participants started per second (default: ${DEFAULT-VALUE}).")
    int rampUp = 20;

    @Option(names = "--out", description = "Write the figures as JSON to this file.")
    Path out;

    @Option(names = "--allow-remote", description = "Allow a server that is not on loopback.")
    boolean allowRemote;

    @Option(names = "--find-capacity", description = "Step the rooms up until loss or latency crosses the limits.")
    boolean findCapacity;

    @Option(names = "--step-rooms", description = "Rooms added per capacity step (default: ${DEFAULT-VALUE}).")
    int stepRooms = 2;

    @Option(names = "--step-duration", description = "Seconds measured per capacity step (default: ${DEFAULT-VALUE}).")
    int stepDuration = 15;

    @Option(names = "--warm-up", description = "Seconds of the first step's load run unjudged before a capacity "
            + "search, so that a freshly started server's JIT does not fail its first step; with churn, seconds of churn "
            + "before the baseline, so that the server's pools have started (default: ${DEFAULT-VALUE}; 0: none).")
    int warmUpSeconds = 10;

    @Option(names = "--max-steps", description = "Most capacity steps (default: ${DEFAULT-VALUE}).")
    int maxSteps = 30;

    @Option(names = "--max-loss", description = "Loss limit in percent (default: ${DEFAULT-VALUE}).")
    double maxLossPercent = 0.1;

    @Option(names = "--churn-per-second", description = "Soak with churn: each second this many participants leave "
            + "and as many join, across the rooms, for --duration seconds; then check that the server's rooms, "
            + "transports, routers, subscriptions and threads are back where they were (default: 0, no churn).")
    int churnPerSecond;

    @Option(names = "--room-turnover", description = "With churn: close the oldest room and open a new one every "
            + "this many seconds (default: ${DEFAULT-VALUE}; 0: never).")
    int roomTurnoverSeconds = 10;

    @Option(names = "--settle", description = "With churn: seconds to wait for the server to return to its "
            + "baseline after everyone left (default: ${DEFAULT-VALUE}).")
    int settleSeconds = 15;

    @Option(names = "--max-p99-ms", description = "p99 added-latency limit in ms (default: ${DEFAULT-VALUE}).")
    double maxP99Ms = 5;

    private final PrintStream console;

    public LoadTest() {
        this(System.out);
    }

    LoadTest(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        se.vardmote.media.net.LeakDetection.offUnlessRequested();
        System.exit(new CommandLine(new LoadTest()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        LoadSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("vardmote-loadtest: " + e.getMessage());
            return 2;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        int exit;
        if (churnPerSecond > 0) {
            exit = soak(settings, json);
        } else if (findCapacity) {
            CapacityResult result = findCapacity(settings);
            json.put("capacity", result);
            exit = result.lastGood() == null ? 1 : 0;
        } else {
            RunReport report = new LoadRun(settings, console).run();
            ReportTable.print(report, console);
            json.put("run", report);
            exit = report.participantsReady() == report.participantsPlanned() ? 0 : 1;
        }
        if (out != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(out, mapper.writeValueAsString(json), StandardCharsets.UTF_8);
            console.println("figures written to " + out);
        }
        return exit;
    }

    /**
     * A churn run against the server, judged by the server's own gauges: before (the baseline) and, after
     * everyone left, polled for up to {@code --settle} seconds until the counts are back. The heap is shown,
     * not judged: a server in another process cannot be made to collect its garbage first (the soak test in
     * {@code SoakTest} runs the server in-process and judges it too).
     */
    int soak(LoadSettings settings, Map<String, Object> json) throws Exception {
        java.util.concurrent.ExecutorService httpThreads = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loadtest-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().executor(httpThreads)
                    .connectTimeout(java.time.Duration.ofSeconds(10)).build();
            java.util.function.Supplier<ServerState> read = SoakCheck.scraping(http, settings.server());
            ServerState idle = read.get();
            if (Double.isNaN(idle.rooms())) {
                console.println("vardmote-loadtest: the server's /metrics has no vardmote_rooms: cannot judge a soak");
                return 2;
            }
            if (warmUpSeconds > 0) {
                // A fresh server starts its pools (signalling, DTLS handshakes) on first use: warm them first.
                console.printf(Locale.ROOT, "%n== warm-up: %d s of the same churn (not judged) ==%n", warmUpSeconds);
                new ChurnRun(settings.withChurn(settings.churnPerSecond(), settings.roomTurnoverSeconds(), warmUpSeconds),
                        console).run();
            }
            ServerState before = SoakCheck.settle(read, idle, java.time.Duration.ofSeconds(settleSeconds));
            ChurnReport report;
            ServerState peak;
            try (SoakCheck.Peak sampler = new SoakCheck.Peak(read)) {
                report = new ChurnRun(settings, console).run();
                peak = sampler.peak();
            }
            report.print(console);
            ServerState after = SoakCheck.settle(read, before, java.time.Duration.ofSeconds(settleSeconds));
            console.println();
            SoakCheck.print(before, peak, after, "heap in use (no GC)", console);
            List<String> problems = SoakCheck.problems(before, after, false);
            console.println(problems.isEmpty() ? "soak: the server is back at its baseline"
                    : "soak: LEAK — " + String.join("; ", problems));
            json.put("churn", report);
            json.put("serverBefore", before);
            json.put("serverAfter", after);
            json.put("problems", problems);
            return problems.isEmpty() && report.joinsConnected() > 0 ? 0 : 1;
        } finally {
            httpThreads.shutdownNow();
        }
    }

    /** The steps of a capacity search and the last one within the limits (null when none was). */
    public record CapacityResult(double maxLossPercent, double maxP99Ms, List<RunReport> steps, RunReport lastGood) {}

    CapacityResult findCapacity(LoadSettings first) throws Exception {
        List<RunReport> steps = new ArrayList<>();
        RunReport lastGood = null;
        int rooms = first.rooms();
        if (warmUpSeconds > 0) {
            console.printf(Locale.ROOT, "%n== warm-up: %d rooms × %d participants for %d s (not judged) ==%n", rooms,
                    first.participantsPerRoom(), warmUpSeconds);
            new LoadRun(first.withRooms(rooms, warmUpSeconds), console).run();
        }
        for (int step = 0; step < maxSteps && rooms <= LoadSettings.MAX_ROOMS
                && rooms * first.participantsPerRoom() <= LoadSettings.MAX_PARTICIPANTS; step++) {
            console.printf(Locale.ROOT, "%n== capacity step %d: %d rooms × %d participants ==%n", step + 1, rooms,
                    first.participantsPerRoom());
            RunReport report = new LoadRun(first.withRooms(rooms, stepDuration), console).run();
            ReportTable.print(report, console);
            steps.add(report);
            boolean good = report.participantsReady() == report.participantsPlanned()
                    && report.lossPercent() <= maxLossPercent && report.worstP99Ms() <= maxP99Ms;
            if (!good) break;
            lastGood = report;
            rooms += Math.max(1, stepRooms);
        }
        if (lastGood == null) {
            console.println("\ncapacity: no step stayed within loss ≤ " + maxLossPercent + " % and p99 ≤ " + maxP99Ms + " ms");
        } else {
            console.printf(Locale.ROOT, "%ncapacity: %d rooms × %d participants (%d participants), %,.0f egress packets/s, "
                            + "%.1f Mbit/s, loss %.3f %%, p99 %.2f ms (limits: loss ≤ %.2f %%, p99 ≤ %.1f ms)%n",
                    lastGood.rooms(), lastGood.participantsPerRoom(), lastGood.participantsPlanned(),
                    lastGood.egressPacketsPerSecond(), lastGood.egressMbps(), lastGood.lossPercent(),
                    lastGood.worstP99Ms(), maxLossPercent, maxP99Ms);
        }
        return new CapacityResult(maxLossPercent, maxP99Ms, steps, lastGood);
    }

    LoadSettings settings() throws IOException {
        String key = apiKey;
        if (key == null) {
            if (!Files.isReadable(apiKeyFile)) {
                throw new IOException("no API key: give --api-key, or --api-key-file (" + apiKeyFile + " is not readable)");
            }
            if (Files.size(apiKeyFile) > 4096) throw new IOException(apiKeyFile + " is too large for an API key");
            key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
        }
        if (churnPerSecond > 0 && findCapacity) throw new IllegalArgumentException("--churn-per-second and --find-capacity do not mix");
        if (settleSeconds < 0 || settleSeconds > 600) throw new IllegalArgumentException("--settle must be 0..600");
        if (findCapacity) {
            if (stepDuration < 1 || stepDuration > 600) throw new IllegalArgumentException("--step-duration must be 1..600");
            if (maxSteps < 1 || maxSteps > 100) throw new IllegalArgumentException("--max-steps must be 1..100");
            if (warmUpSeconds < 0 || warmUpSeconds > 600) throw new IllegalArgumentException("--warm-up must be 0..600");
        }
        return new LoadSettings(server, key, rooms, participants, audioOnly, videoKbps, keyframeInterval,
                findCapacity ? stepDuration : duration, rampUp, allowRemote, churnPerSecond,
                churnPerSecond > 0 ? roomTurnoverSeconds : 0).validate();
    }
}
