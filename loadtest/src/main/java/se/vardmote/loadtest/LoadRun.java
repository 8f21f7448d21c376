package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import se.vardmote.media.MediaKind;

/**
 * One load run: books the rooms, starts the participants at the ramp-up rate, waits until they are
 * connected (bounded), warms up, measures for the duration while printing a progress line once a second,
 * stops the senders, drains, and reports. Always ends by itself: every wait has a deadline, and the
 * participants leave and the threads stop in {@code finally}.
 *
 * <p>Threads: the caller's thread drives the phases and prints; one Netty event-loop group (epoll where
 * available, one loop per core) carries every client socket, sender and receiver; a small pool runs the
 * blocking bctls handshakes; HttpClient's own threads carry the WebSockets.
 */
public final class LoadRun {

    private static final System.Logger LOG = System.getLogger(LoadRun.class.getName());
    /** Time after everyone connected before the window opens: keyframes after joins settle. */
    static final long WARM_UP_MILLIS = 2000;
    /** Time after the senders stop for packets still in flight. */
    static final long DRAIN_MILLIS = 500;
    private static final long CONNECT_GRACE_MILLIS = 20_000;

    private final LoadSettings settings;
    private final PrintStream progress;

    public LoadRun(LoadSettings settings, PrintStream progress) {
        this.settings = settings.validate();
        this.progress = progress;
    }

    /** Runs to the end and reports; throws only when nothing could be booked. */
    public RunReport run() throws Exception {
        RunContext ctx = RunContext.open(settings);
        HttpClient http = ctx.http;
        ObjectMapper json = ctx.json;
        URI server = settings.server();
        List<Participant> participants = new ArrayList<>();
        try {
            Booking booking = new Booking(http, server, settings.apiKey(), json);
            List<List<String>> rooms = new ArrayList<>();
            for (int r = 0; r < settings.rooms(); r++) {
                rooms.add(booking.book(settings.participantsPerRoom(), settings.durationSeconds() + 120,
                        "Lasttest rum " + (r + 1)));
            }
            // Interleave rooms so that each fills at the same pace.
            for (int seat = 0; seat < settings.participantsPerRoom(); seat++) {
                for (int r = 0; r < rooms.size(); r++) participants.add(new Participant(r, rooms.get(r).get(seat), ctx));
            }
            return measure(ctx, participants, http, server);
        } finally {
            leaveAll(participants);
            ctx.close();
        }
    }

    /** Everyone leaves, then (after 200 ms for the {@code leave} messages) closes signalling; bounded. */
    static void leaveAll(List<Participant> participants) throws InterruptedException {
        for (Participant p : participants) p.leave();
        Thread.sleep(200);
        List<CompletableFuture<?>> closes = new ArrayList<>();
        for (Participant p : participants) closes.add(p.closeSignalling());
        try {
            CompletableFuture.allOf(closes.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "some WebSockets did not close within 5 s");
        }
    }

    private RunReport measure(RunContext ctx, List<Participant> participants, HttpClient http, URI server)
            throws Exception {
        boolean expectSubscribe = settings.participantsPerRoom() > 1;
        long start = System.nanoTime();
        long gapNanos = 1_000_000_000L / settings.rampUpPerSecond();
        for (int i = 0; i < participants.size(); i++) {
            long due = start + i * gapNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            participants.get(i).start();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_GRACE_MILLIS);
        while (System.nanoTime() < deadline) {
            int ready = ready(participants, expectSubscribe);
            long failed = participants.stream().filter(Participant::hasFailed).count();
            if (ready + failed >= participants.size()) break;
            Thread.sleep(100);
        }
        progress.printf("connected %d/%d participants in %.1f s%n", ready(participants, expectSubscribe),
                participants.size(), (System.nanoTime() - start) / 1e9);
        Thread.sleep(WARM_UP_MILLIS);

        // Open the window.
        Map<MediaKind, Histogram> latency = new LinkedHashMap<>();
        for (MediaKind k : MediaKind.values()) latency.put(k, new Histogram(3));
        for (Participant p : participants) {
            p.audioLatency.getIntervalHistogram();
            p.videoLatency.getIntervalHistogram();
        }
        for (SentStream s : ctx.streams.all()) s.openWindow();
        MetricsScrape before = MetricsScrape.fetch(http, server);
        long cpuBefore = processCpuNanos();
        KernelUdpCounters udpBefore = KernelUdpCounters.read();
        long windowStart = System.nanoTime();
        long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
        long lastReceived = received(participants);
        long lastSent = sent(participants);
        long lastTick = windowStart;
        for (int second = 1; System.nanoTime() < windowEnd; second++) {
            long next = Math.min(windowEnd, windowStart + TimeUnit.SECONDS.toNanos(second));
            long wait = next - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            Histogram interval = new Histogram(3);
            for (Participant p : participants) {
                drain(p.audioLatency, latency.get(MediaKind.AUDIO), interval);
                drain(p.videoLatency, latency.get(MediaKind.VIDEO), interval);
            }
            long received = received(participants);
            long sent = sent(participants);
            long now = System.nanoTime();
            double dt = (now - lastTick) / 1e9;
            progress.printf("[%4.0f s] ready %d/%d  sent %,.0f pkt/s  received %,.0f pkt/s  latency p50 %.2f p99 %.2f max %.2f ms  failures %d%n",
                    (now - windowStart) / 1e9, ready(participants, expectSubscribe), participants.size(),
                    (sent - lastSent) / dt, (received - lastReceived) / dt,
                    interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                    interval.getMaxValue() / 1000.0, ctx.failures().values().stream().mapToLong(Long::longValue).sum());
            lastReceived = received;
            lastSent = sent;
            lastTick = now;
        }

        // Close the window: stop every sender, then let the last packets arrive.
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Participant p : participants) {
            Publisher pub = p.publisher();
            if (pub != null) stops.add(pub.stop());
        }
        try {
            CompletableFuture.allOf(stops.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "some senders did not stop within 5 s");
        }
        long windowNanos = System.nanoTime() - windowStart;
        MetricsScrape after = MetricsScrape.fetch(http, server);
        long cpuAfter = processCpuNanos();
        KernelUdpCounters udpAfter = KernelUdpCounters.read();
        for (SentStream s : ctx.streams.all()) s.closeWindow();
        Thread.sleep(DRAIN_MILLIS);
        for (Participant p : participants) {
            drain(p.audioLatency, latency.get(MediaKind.AUDIO), null);
            drain(p.videoLatency, latency.get(MediaKind.VIDEO), null);
        }
        return report(ctx, participants, latency, windowNanos, before, after, cpuAfter - cpuBefore, expectSubscribe,
                udpAfter.since(udpBefore));
    }

    private static void drain(SingleWriterRecorder recorder, Histogram total, Histogram interval) {
        Histogram h = recorder.getIntervalHistogram();
        total.add(h);
        if (interval != null) interval.add(h);
    }

    /** Racy reads of loop-owned counters: good enough for a progress line. */
    private static long received(List<Participant> participants) {
        long n = 0;
        for (Participant p : participants) {
            ClientTransport in = p.subscribeTransport();
            if (in != null) n += in.packetsIn;
        }
        return n;
    }

    private static long sent(List<Participant> participants) {
        long n = 0;
        for (Participant p : participants) {
            ClientTransport out = p.publishTransport();
            if (out != null) n += out.packetsOut;
        }
        return n;
    }

    private static int ready(List<Participant> participants, boolean expectSubscribe) {
        int n = 0;
        for (Participant p : participants) if (p.isReady(expectSubscribe)) n++;
        return n;
    }

    private RunReport report(RunContext ctx, List<Participant> participants, Map<MediaKind, Histogram> latency,
                             long windowNanos, MetricsScrape before, MetricsScrape after, long cpuNanos,
                             boolean expectSubscribe, Map<String, Long> kernelUdp) throws Exception {
        // Receive statistics are read on each participant's loop, where they live.
        Map<MediaKind, long[]> counts = new LinkedHashMap<>(); // received, bytes, dup, reordered
        Map<MediaKind, double[]> jitter = new LinkedHashMap<>(); // sum, max, n
        for (MediaKind k : MediaKind.values()) {
            counts.put(k, new long[4]);
            jitter.put(k, new double[3]);
        }
        for (Participant p : participants) {
            List<ReceivedStream> streams = p.loop().submit(p::receivedStreams).get(5, TimeUnit.SECONDS);
            for (ReceivedStream s : streams) {
                long[] c = counts.get(s.source.kind);
                c[0] += s.received;
                c[1] += s.bytes;
                c[2] += s.duplicates;
                c[3] += s.reordered;
                double[] j = jitter.get(s.source.kind);
                j[0] += s.jitterNanos;
                j[1] = Math.max(j[1], s.jitterNanos);
                j[2]++;
            }
        }
        // Expected: every stream of every participant, once per other participant of its room.
        Map<MediaKind, long[]> sentExpected = new LinkedHashMap<>();
        for (MediaKind k : MediaKind.values()) sentExpected.put(k, new long[2]);
        Map<Integer, Integer> roomSizes = new LinkedHashMap<>();
        for (Participant p : participants) roomSizes.merge(p.room, 1, Integer::sum);
        for (Participant p : participants) {
            Publisher pub = p.publisher();
            if (pub == null) continue;
            int subscribers = roomSizes.get(p.room) - 1;
            for (SentStream s : new SentStream[] {pub.audio, pub.video}) {
                if (s == null) continue;
                long[] se = sentExpected.get(s.kind);
                se[0] += s.sentInWindow();
                se[1] += s.sentInWindow() * subscribers;
            }
        }
        double seconds = windowNanos / 1e9;
        Map<String, KindReport> kinds = new LinkedHashMap<>();
        long egressPackets = 0;
        long egressBytes = 0;
        for (MediaKind k : MediaKind.values()) {
            if (k == MediaKind.VIDEO && settings.audioOnly()) continue;
            long[] c = counts.get(k);
            long[] se = sentExpected.get(k);
            double[] j = jitter.get(k);
            Histogram h = latency.get(k);
            double loss = se[1] == 0 ? 0 : 100.0 * Math.max(0, se[1] - c[0]) / se[1];
            kinds.put(k.sdpName(), new KindReport(se[0], se[1], c[0], loss, c[3], c[2],
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
                    j[2] == 0 ? 0 : j[0] / j[2] / 1e6, j[1] / 1e6, c[1]));
            egressPackets += c[0];
            egressBytes += c[1];
        }
        Map<String, Long> failures = ctx.failures();
        return new RunReport(settings.rooms(), settings.participantsPerRoom(), settings.audioOnly(),
                settings.videoKbps(), participants.size(), ready(participants, expectSubscribe), seconds, kinds,
                egressPackets / seconds, egressBytes * 8 / seconds / 1e6, after.mediaEventDeltas(before),
                after.serverCpuCores(before), after.processCpuUsage(), cpuNanos / 1e9 / seconds,
                Runtime.getRuntime().availableProcessors(), kernelUdp, failures);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
