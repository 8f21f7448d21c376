package se.vardmote.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus registry behind {@code GET /metrics}: JVM metrics; live rooms; participants by role and
 * transport (video, phone); media transports; packets and bytes in and out; SRTP, DTLS and ICE failures;
 * NACKs and keyframe requests (PLI, FIR); forwarded RTP packets (a counter, and a per-second gauge); the
 * lag of each media event loop; and, for everything else the media plane counts, one counter per counter
 * name ({@code vardmote_media_events_total{name="rtp.in.packets"}}). Names follow Micrometer's conventions
 * (dot-separated, base units; Prometheus adds {@code _total}, {@code _bytes}, {@code _seconds}). No meter
 * carries personal data or meeting ids: tags come from fixed vocabularies.
 *
 * <p>Threads: {@link #scrape()} runs on any thread (an HTTP loop). One daemon thread, "vardmote-metrics",
 * wakes once per probe period (1 s) to post a tiny task on each media loop — the delay until it runs is the
 * loop's lag — and to sample the forwarded-packet counter for the per-second gauge. Thread-safe.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerMetrics.class.getName());

    /** Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Counters whose names start so are SIP dial-in's, exported as {@code vardmote_sip_events_total{name}}. */
    public static final String SIP_PREFIX = "sip.";

    /** How often the loop-lag probe and the forwarding-rate sampler run. */
    static final Duration PROBE_PERIOD = Duration.ofSeconds(1);

    /** Media counter name → (meter name, tags): the media plane's counters under Micrometer names. */
    private record Named(String counter, String meter, Tags tags, String description, String baseUnit) { }

    private static final List<Named> NAMED = List.of(
            new Named("media.in.datagrams", "vardmote.media.packets", Tags.of("direction", "in"),
                    "UDP datagrams on the media ports (SRTP, SRTCP, STUN, DTLS)", "packets"),
            new Named("media.out.datagrams", "vardmote.media.packets", Tags.of("direction", "out"),
                    "UDP datagrams on the media ports (SRTP, SRTCP, STUN, DTLS)", "packets"),
            new Named("media.in.bytes", "vardmote.media.traffic", Tags.of("direction", "in"),
                    "UDP payload bytes on the media ports", "bytes"),
            new Named("media.out.bytes", "vardmote.media.traffic", Tags.of("direction", "out"),
                    "UDP payload bytes on the media ports", "bytes"),
            new Named("media.loop.allocated.bytes", "vardmote.media.loop.allocated", Tags.empty(),
                    "Heap bytes allocated by the media event-loop threads (receive, relay, send); "
                            + "over the datagram rate, the hot path's allocation per datagram", "bytes"),
            new Named("media.loop.cpu.nanos", "vardmote.media.loop.cpu", Tags.empty(),
                    "CPU time of the media event-loop threads in nanoseconds (user + system); its rate is the "
                            + "cores the relay uses", "nanoseconds"),
            new Named("rtp.in.packets", "vardmote.media.rtp", Tags.of("direction", "in"),
                    "SRTP packets authenticated and decrypted, or protected and sent", "packets"),
            new Named("rtp.out.packets", "vardmote.media.rtp", Tags.of("direction", "out"),
                    "SRTP packets authenticated and decrypted, or protected and sent", "packets"),
            new Named("rtp.forwarded", "vardmote.media.forwarded", Tags.empty(),
                    "RTP packets the routers forwarded to subscribers", "packets"),
            new Named("srtp.unprotect.failed", "vardmote.srtp.failures", Tags.of("operation", "unprotect"),
                    "SRTP/SRTCP packets that failed authentication, replay check or decryption", null),
            new Named("srtp.protect.failed", "vardmote.srtp.failures", Tags.of("operation", "protect"),
                    "SRTP/SRTCP packets that failed authentication, replay check or decryption", null),
            new Named("dtls.handshakes.failed", "vardmote.dtls.failures", Tags.empty(),
                    "DTLS handshakes that failed or presented the wrong fingerprint", null),
            new Named("stun.dropped.bad_integrity", "vardmote.ice.failures", Tags.of("reason", "bad_integrity"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("stun.dropped.bad_username", "vardmote.ice.failures", Tags.of("reason", "bad_username"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("stun.dropped.unknown_ufrag", "vardmote.ice.failures", Tags.of("reason", "unknown_ufrag"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("stun.dropped.malformed", "vardmote.ice.failures", Tags.of("reason", "malformed"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("stun.dropped.too_many_addresses", "vardmote.ice.failures",
                    Tags.of("reason", "too_many_addresses"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("ice.consent.expired", "vardmote.ice.failures", Tags.of("reason", "consent_expired"),
                    "ICE checks refused, and transports closed for lack of consent", null),
            new Named("rtcp.nack.forwarded", "vardmote.rtcp.nacks", Tags.of("outcome", "forwarded"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.dropped", "vardmote.rtcp.nacks", Tags.of("outcome", "dropped"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.answered_from_cache", "vardmote.rtcp.nacks", Tags.of("outcome", "answered_from_cache"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.not_in_cache", "vardmote.rtcp.nacks", Tags.of("outcome", "not_in_cache"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.too_old", "vardmote.rtcp.nacks", Tags.of("outcome", "too_old"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.resent_lately", "vardmote.rtcp.nacks", Tags.of("outcome", "resent_lately"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtcp.nack.over_budget", "vardmote.rtcp.nacks", Tags.of("outcome", "over_budget"),
                    "Generic NACKs from subscribers (RFC 4585 §6.2.1)", null),
            new Named("rtx.sent", "vardmote.retransmissions", Tags.of("kind", "sent"),
                    "Retransmitted packets: sent to subscribers from the server's cache, and received from publishers", null),
            new Named("rtp.resent", "vardmote.retransmissions", Tags.of("kind", "resent_without_rtx"),
                    "Retransmitted packets: sent to subscribers from the server's cache, and received from publishers", null),
            new Named("rtx.recovered", "vardmote.retransmissions", Tags.of("kind", "recovered_from_publisher"),
                    "Retransmitted packets: sent to subscribers from the server's cache, and received from publishers", null),
            new Named("rtx.redundant", "vardmote.retransmissions", Tags.of("kind", "redundant_from_publisher"),
                    "Retransmitted packets: sent to subscribers from the server's cache, and received from publishers", null),
            new Named("rtx.padding", "vardmote.retransmissions", Tags.of("kind", "padding_from_publisher"),
                    "Retransmitted packets: sent to subscribers from the server's cache, and received from publishers", null),
            new Named("rtcp.transport_cc.sent", "vardmote.rtcp.feedback.sent", Tags.of("type", "transport_cc"),
                    "RTCP feedback the server sends publishers as their receiver", null),
            new Named("rtcp.rr.sent", "vardmote.rtcp.feedback.sent", Tags.of("type", "receiver_report"),
                    "RTCP feedback the server sends publishers as their receiver", null),
            new Named("rtcp.nack.sent", "vardmote.rtcp.feedback.sent", Tags.of("type", "nack"),
                    "RTCP feedback the server sends publishers as their receiver", null),
            new Named("api.auth.failed", "vardmote.api.auth.refused", Tags.of("reason", "invalid_key"),
                    "Booking API requests refused: a wrong key, or too many of those from one address", null),
            new Named("api.auth.rate_limited", "vardmote.api.auth.refused", Tags.of("reason", "too_many_attempts"),
                    "Booking API requests refused: a wrong key, or too many of those from one address", null),
            new Named("api.database_unavailable", "vardmote.api.database.unavailable", Tags.empty(),
                    "Booking API requests answered 503 database_unavailable: the meeting database could not be reached", null),
            new Named("audit.write_failed", "vardmote.audit.write.failures", Tags.empty(),
                    "Audit events that could not be written (the database failed); they are lost", null),
            new Named("http.forwarded.missing", "vardmote.http.forwarded.unusable", Tags.of("reason", "missing"),
                    "Requests from a trusted proxy that named no usable client address, limited as a proxy's own", null),
            new Named("http.forwarded.malformed", "vardmote.http.forwarded.unusable", Tags.of("reason", "malformed"),
                    "Requests from a trusted proxy that named no usable client address, limited as a proxy's own", null),
            new Named("join.refused.invalid_token", "vardmote.join.refused", Tags.of("reason", "invalid_token"),
                    "WebSocket joins refused: an invalid join token, or too many of those from one address", null),
            new Named("join.refused.too_many_attempts", "vardmote.join.refused", Tags.of("reason", "too_many_attempts"),
                    "WebSocket joins refused: an invalid join token, or too many of those from one address", null),
            new Named("echo.started", "vardmote.echo.sessions", Tags.of("outcome", "started"),
                    "Echo tests (the pre-call check's loop-back through the server): started, refused by reason, ended at the time limit", null),
            new Named("echo.refused.busy", "vardmote.echo.sessions", Tags.of("outcome", "refused_busy"),
                    "Echo tests (the pre-call check's loop-back through the server): started, refused by reason, ended at the time limit", null),
            new Named("echo.refused.too_many_checks", "vardmote.echo.sessions", Tags.of("outcome", "refused_too_many_checks"),
                    "Echo tests (the pre-call check's loop-back through the server): started, refused by reason, ended at the time limit", null),
            new Named("echo.ended.time_limit", "vardmote.echo.sessions", Tags.of("outcome", "time_limit"),
                    "Echo tests (the pre-call check's loop-back through the server): started, refused by reason, ended at the time limit", null),
            new Named("rtcp.remb.sent", "vardmote.rtcp.feedback.sent", Tags.of("type", "remb"),
                    "RTCP feedback the server sends publishers as their receiver", null),
            new Named("simulcast.layer.up", "vardmote.simulcast.layer.choices", Tags.of("choice", "up"),
                    "Simulcast layers chosen for a subscriber: up, down, paused (audio only), and of the ups those "
                            + "beyond its estimate (trial)", null),
            new Named("simulcast.layer.down", "vardmote.simulcast.layer.choices", Tags.of("choice", "down"),
                    "Simulcast layers chosen for a subscriber: up, down, paused (audio only), and of the ups those "
                            + "beyond its estimate (trial)", null),
            new Named("simulcast.video.paused", "vardmote.simulcast.layer.choices", Tags.of("choice", "paused"),
                    "Simulcast layers chosen for a subscriber: up, down, paused (audio only), and of the ups those "
                            + "beyond its estimate (trial)", null),
            new Named("simulcast.layer.trial", "vardmote.simulcast.layer.choices", Tags.of("choice", "trial"),
                    "Simulcast layers chosen for a subscriber: up, down, paused (audio only), and of the ups those "
                            + "beyond its estimate (trial)", null),
            new Named("simulcast.switched", "vardmote.simulcast.switches", Tags.empty(),
                    "Simulcast layer switches made, each at a keyframe of the new layer", null),
            new Named("rtcp.consumed.transport_cc", "vardmote.rtcp.downlink.estimates", Tags.of("source", "transport_cc"),
                    "Subscribers' downlink reports: transport-cc feedback the server estimates from, or a browser's own REMB", null),
            new Named("rtcp.consumed.remb", "vardmote.rtcp.downlink.estimates", Tags.of("source", "remb"),
                    "Subscribers' downlink reports: transport-cc feedback the server estimates from, or a browser's own REMB", null),
            new Named("rtp.probes.sent", "vardmote.media.probes", Tags.of("what", "clusters"),
                    "Probes of subscribers' downlinks: clusters sent, and the padding-only packets they took", null),
            new Named("rtp.probe_padding.sent", "vardmote.media.probes", Tags.of("what", "padding_packets"),
                    "Probes of subscribers' downlinks: clusters sent, and the padding-only packets they took", null),
            new Named("tcp.connections.accepted", "vardmote.media.tcp.connections", Tags.of("outcome", "accepted"),
                    "ICE-TCP connections to the media workers", null),
            new Named("tcp.connections.refused.not_allowed_network", "vardmote.media.tcp.connections",
                    Tags.of("outcome", "refused_not_allowed_network"), "ICE-TCP connections to the media workers", null),
            new Named("tcp.connections.refused.too_many", "vardmote.media.tcp.connections",
                    Tags.of("outcome", "refused_too_many"), "ICE-TCP connections to the media workers", null),
            new Named("tcp.connections.closed.bad_frame", "vardmote.media.tcp.connections",
                    Tags.of("outcome", "closed_bad_frame"), "ICE-TCP connections to the media workers", null),
            new Named("tcp.connections.closed.unbound", "vardmote.media.tcp.connections",
                    Tags.of("outcome", "closed_unbound"), "ICE-TCP connections to the media workers", null),
            new Named("tcp.out.dropped.video_backpressure", "vardmote.media.tcp.dropped", Tags.of("reason", "video_backpressure"),
                    "Packets not written to a congested ICE-TCP connection", null),
            new Named("tcp.out.dropped.full", "vardmote.media.tcp.dropped", Tags.of("reason", "full"),
                    "Packets not written to a congested ICE-TCP connection", null),
            new Named("rtcp.pli.forwarded", "vardmote.rtcp.keyframe.requests", Tags.of("type", "pli", "origin", "subscriber"),
                    "Keyframe requests sent to publishers (RFC 4585 PLI, RFC 5104 FIR)", null),
            new Named("rtcp.pli.sent", "vardmote.rtcp.keyframe.requests", Tags.of("type", "pli", "origin", "router"),
                    "Keyframe requests sent to publishers (RFC 4585 PLI, RFC 5104 FIR)", null),
            new Named("rtcp.fir.forwarded", "vardmote.rtcp.keyframe.requests", Tags.of("type", "fir", "origin", "subscriber"),
                    "Keyframe requests sent to publishers (RFC 4585 PLI, RFC 5104 FIR)", null),
            new Named("rtcp.pli.suppressed", "vardmote.rtcp.keyframe.suppressed", Tags.empty(),
                    "Keyframe requests merged by the 500 ms rate limit", null));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Supplier<Map<String, Long>> mediaCounters;
    private final Supplier<Map<ParticipantGroup, Integer>> participantsByGroup;
    private final MultiGauge participantGauge;
    private final Set<String> registeredCounters = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService probe;
    /** The media counters as read at the start of the current scrape; every FunctionCounter reads from it. */
    private volatile Map<String, Long> snapshot = Map.of();
    /** Forwarded RTP packets per second over the last probe period (bits of a double). */
    private final AtomicLong forwardedPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private long lastForwarded = -1;
    private long lastForwardedNanos;

    /**
     * The registry without per-role participant counts or loop lag (tests and tools): participants are
     * reported as one group, role {@code any}, transport {@code video}.
     *
     * @param rooms         live rooms ({@code Signalling::roomCount})
     * @param participants  connected participants ({@code Signalling::participantCount})
     * @param transports    live media transports ({@code MediaEngine::transportCount})
     * @param mediaCounters the media plane's counters by name ({@code MediaEngine::counters})
     */
    public ServerMetrics(IntSupplier rooms, IntSupplier participants, IntSupplier transports,
                         Supplier<Map<String, Long>> mediaCounters) {
        this(rooms, () -> Map.of(new ParticipantGroup("any", ParticipantGroup.VIDEO), participants.getAsInt()),
                transports, mediaCounters, List.of(), PROBE_PERIOD);
    }

    /**
     * @param rooms               live rooms ({@code Signalling::roomCount})
     * @param participantsByGroup connected participants by role and transport (video, phone)
     * @param transports          live media transports ({@code MediaEngine::transportCount})
     * @param mediaCounters       the media plane's counters by name: {@code MediaEngine::counters} merged
     *                            with {@code MediaEngine::routerCounters} (and telephony's, when it exists)
     * @param mediaLoops          the media event loops ({@code MediaEngine::eventLoops}), probed for lag
     */
    public ServerMetrics(IntSupplier rooms, Supplier<Map<ParticipantGroup, Integer>> participantsByGroup,
                         IntSupplier transports, Supplier<Map<String, Long>> mediaCounters,
                         List<? extends Executor> mediaLoops) {
        this(rooms, participantsByGroup, transports, mediaCounters, mediaLoops, PROBE_PERIOD);
    }

    ServerMetrics(IntSupplier rooms, Supplier<Map<ParticipantGroup, Integer>> participantsByGroup,
                  IntSupplier transports, Supplier<Map<String, Long>> mediaCounters,
                  List<? extends Executor> mediaLoops, Duration probePeriod) {
        this.mediaCounters = mediaCounters;
        this.participantsByGroup = participantsByGroup;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("vardmote.rooms", rooms, s -> read(s, "rooms"))
                .description("Meetings with at least one connected participant")
                .strongReference(true) // Micrometer holds state weakly; nothing else holds this supplier
                .register(registry);
        Gauge.builder("vardmote.participants", this, ServerMetrics::totalParticipants)
                .description("Connected participants over all rooms").register(registry);
        participantGauge = MultiGauge.builder("vardmote.participants.connected")
                .description("Connected participants by role and transport (video: browser, phone: SIP)")
                .register(registry);
        Gauge.builder("vardmote.media.transports", transports, s -> read(s, "transports"))
                .description("Live ICE/DTLS transports over all media workers")
                .strongReference(true)
                .register(registry);
        for (Named n : NAMED) {
            FunctionCounter.Builder<ServerMetrics> b = FunctionCounter.builder(n.meter(), this,
                            m -> m.snapshot.getOrDefault(n.counter(), 0L).doubleValue())
                    .tags(n.tags()).description(n.description());
            if (n.baseUnit() != null) b.baseUnit(n.baseUnit());
            b.register(registry);
        }
        Gauge.builder("vardmote.media.forwarded.rate", forwardedPerSecond, v -> Double.longBitsToDouble(v.get()))
                .description("RTP packets forwarded per second, over the last second (or rate() of vardmote_media_forwarded_packets_total)")
                .baseUnit("packets.per.second").register(registry);

        List<Runnable> probes = new ArrayList<>();
        for (int i = 0; i < mediaLoops.size(); i++) {
            Executor loop = mediaLoops.get(i);
            Timer lag = Timer.builder("vardmote.eventloop.lag")
                    .tag("loop", "media-" + i)
                    .description("Delay between posting a task on a media event loop and its running")
                    .publishPercentiles(0.5, 0.99)
                    .distributionStatisticExpiry(Duration.ofMinutes(1))
                    .register(registry);
            probes.add(() -> {
                long posted = System.nanoTime();
                try {
                    loop.execute(() -> lag.record(System.nanoTime() - posted, TimeUnit.NANOSECONDS));
                } catch (RejectedExecutionException e) {
                    // the loop is shutting down
                }
            });
        }
        probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vardmote-metrics");
            t.setDaemon(true);
            return t;
        });
        long periodNanos = probePeriod.toNanos();
        probe.scheduleAtFixedRate(() -> {
            for (Runnable p : probes) p.run();
            sampleForwardingRate();
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Gauges of the subscribers' downlink estimates (what their browsers report, bits per second): how many
     * report one, and the least, median and most of them. No identity is attached.
     */
    public void registerSubscriberEstimates(Supplier<long[]> estimates) {
        Gauge.builder("vardmote.media.subscribers.estimating", estimates, e -> e.get().length)
                .description("Subscribers with a downlink estimate (the server's from transport-cc, or a browser's REMB)")
                .strongReference(true).register(registry);
        for (String stat : List.of("min", "median", "max")) {
            Gauge.builder("vardmote.media.subscriber.downlink.estimate", estimates, e -> statistic(e.get(), stat))
                    .tag("stat", stat).baseUnit("bits.per.second")
                    .description("Subscribers' downlink estimates: least, median and most")
                    .strongReference(true).register(registry);
        }
    }

    /**
     * Gauges of the routers' live state: routers not yet closed, published streams and subscriptions over
     * them. After every visit has ended all three are 0; anything else is state a room left behind (the soak
     * test in {@code loadtest} checks it).
     */
    public void registerRouting(IntSupplier routers, IntSupplier streams, IntSupplier subscriptions) {
        Gauge.builder("vardmote.media.routers", routers, s -> read(s, "routers"))
                .description("Routers not yet closed (one per live room)").strongReference(true).register(registry);
        Gauge.builder("vardmote.media.streams", streams, s -> read(s, "streams"))
                .description("Published streams registered in the routers").strongReference(true).register(registry);
        Gauge.builder("vardmote.media.subscriptions", subscriptions, s -> read(s, "subscriptions"))
                .description("Subscriptions registered in the routers (a stream forwarded to one subscriber)")
                .strongReference(true).register(registry);
    }

    private static double statistic(long[] sorted, String stat) {
        if (sorted.length == 0) return Double.NaN;
        return switch (stat) {
            case "min" -> sorted[0];
            case "max" -> sorted[sorted.length - 1];
            default -> sorted[sorted.length / 2];
        };
    }

    /** The registry, for tests and for anything else the server wants to count. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text for one scrape. */
    public String scrape() {
        Map<String, Long> current = readCounters();
        snapshot = current;
        for (String name : current.keySet()) {
            // Counter names appear as the media plane meets new situations; register each the first time.
            if (registeredCounters.add(name)) {
                boolean sip = name.startsWith(SIP_PREFIX);
                FunctionCounter.builder(sip ? "vardmote.sip.events" : "vardmote.media.events", this,
                                m -> m.snapshot.getOrDefault(name, 0L).doubleValue())
                        .tag("name", sip ? name.substring(SIP_PREFIX.length()) : name)
                        .description(sip
                                ? "SIP dial-in events by name (calls: invites, answered, refused by reason, BYE; pin.failed)"
                                : "Media plane events by counter name (drops by reason, packets, bytes)")
                        .register(registry);
            }
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        readGroups().forEach((group, count) -> rows.add(MultiGauge.Row.of(
                Tags.of("role", group.role(), "transport", group.transport()), count)));
        participantGauge.register(rows, true);
        return registry.scrape();
    }

    private Map<String, Long> readCounters() {
        try {
            return Map.copyOf(mediaCounters.get());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "media counters unavailable: " + e.getClass().getName());
            return Map.of();
        }
    }

    private Map<ParticipantGroup, Integer> readGroups() {
        try {
            return Map.copyOf(participantsByGroup.get());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "participants unavailable: " + e.getClass().getName());
            return Map.of();
        }
    }

    private double totalParticipants() {
        try {
            int sum = 0;
            for (int n : participantsByGroup.get().values()) sum += n;
            return sum;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "participants unavailable: " + e.getClass().getName());
            return Double.NaN;
        }
    }

    /** Probe thread: forwarded packets per second since the previous sample. */
    private void sampleForwardingRate() {
        Long forwarded = readCounters().get("rtp.forwarded");
        long now = System.nanoTime();
        if (forwarded == null) return;
        if (lastForwarded >= 0 && now > lastForwardedNanos) {
            double perSecond = Math.max(0, forwarded - lastForwarded) * 1e9 / (now - lastForwardedNanos);
            forwardedPerSecond.set(Double.doubleToLongBits(perSecond));
        }
        lastForwarded = forwarded;
        lastForwardedNanos = now;
    }

    private static double read(IntSupplier supplier, String what) {
        try {
            return supplier.getAsInt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, what + " unavailable: " + e.getClass().getName());
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        probe.shutdownNow();
        gcMetrics.close();
        registry.close();
    }
}
