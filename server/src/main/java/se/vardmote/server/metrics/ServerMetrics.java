package se.vardmote.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus registry behind {@code GET /metrics}: JVM metrics, live rooms, participants and transports,
 * and one counter per media-plane counter name ({@code vardmote_media_events_total{name="rtp.in.packets"}}).
 * No meter carries personal data or meeting ids. Thread-safe; {@link #scrape()} may run on any thread.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerMetrics.class.getName());

    /** Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Supplier<Map<String, Long>> mediaCounters;
    private final Set<String> registeredCounters = ConcurrentHashMap.newKeySet();
    /** The media counters as read at the start of the current scrape; every FunctionCounter reads from it. */
    private volatile Map<String, Long> snapshot = Map.of();

    /**
     * @param rooms         live rooms ({@code Signalling::roomCount})
     * @param participants  connected participants ({@code Signalling::participantCount})
     * @param transports    live media transports ({@code MediaEngine::transportCount})
     * @param mediaCounters the media plane's counters by name ({@code MediaEngine::counters})
     */
    public ServerMetrics(IntSupplier rooms, IntSupplier participants, IntSupplier transports,
                         Supplier<Map<String, Long>> mediaCounters) {
        this.mediaCounters = mediaCounters;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("vardmote.rooms", rooms, s -> read(s, "rooms"))
                .description("Meetings with at least one connected participant").register(registry);
        Gauge.builder("vardmote.participants", participants, s -> read(s, "participants"))
                .description("Connected participants over all rooms").register(registry);
        Gauge.builder("vardmote.media.transports", transports, s -> read(s, "transports"))
                .description("Live ICE/DTLS transports over all media workers").register(registry);
    }

    /** The registry, for tests and for anything else the server wants to count. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text for one scrape. */
    public String scrape() {
        Map<String, Long> current;
        try {
            current = Map.copyOf(mediaCounters.get());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "media counters unavailable: " + e.getClass().getName());
            current = Map.of();
        }
        snapshot = current;
        for (String name : current.keySet()) {
            // Counter names appear as the media plane meets new situations; register each the first time.
            if (registeredCounters.add(name)) {
                FunctionCounter.builder("vardmote.media.events", this, m -> m.snapshot.getOrDefault(name, 0L).doubleValue())
                        .tag("name", name)
                        .description("Media plane events by counter name (drops by reason, packets, bytes)")
                        .register(registry);
            }
        }
        return registry.scrape();
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
        gcMetrics.close();
        registry.close();
    }
}
