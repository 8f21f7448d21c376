package se.vardmote.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

    @Test
    void exposesRoomsParticipantsTransportsAndJvm() {
        try (ServerMetrics metrics = new ServerMetrics(() -> 2, () -> 5, () -> 9, Map::of)) {
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_rooms 2.0"), text);
            assertTrue(text.contains("vardmote_participants 5.0"), text);
            assertTrue(text.contains("vardmote_media_transports 9.0"), text);
            assertTrue(text.contains("jvm_memory_used_bytes"), text);
        }
    }

    @Test
    void exposesTheRoutersStreamsAndSubscriptionsASoakComparesWithItsBaseline() {
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, () -> 0, () -> 0, Map::of)) {
            metrics.registerRouting(() -> 3, () -> 18, () -> 36);
            System.gc(); // the gauges hold their suppliers strongly
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_media_routers 3.0"), text);
            assertTrue(text.contains("vardmote_media_streams 18.0"), text);
            assertTrue(text.contains("vardmote_media_subscriptions 36.0"), text);
        }
    }

    @Test
    void gaugesStillReadTheirSuppliersAfterAGarbageCollection() {
        // Capturing lambdas, referenced by nothing but ServerMetrics: Micrometer holds a gauge's state weakly.
        AtomicInteger live = new AtomicInteger(3);
        IntSupplier rooms = live::get;
        IntSupplier transports = () -> live.get() * 2;
        try (ServerMetrics metrics = new ServerMetrics(rooms, () -> Map.of(
                new ParticipantGroup("patient", ParticipantGroup.VIDEO), live.get()), transports,
                () -> Map.of("rtp.forwarded", (long) live.get()), List.of())) {
            rooms = null;
            transports = null;
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            for (int i = 0; i < 100 && sentinel.get() != null; i++) System.gc();
            assertTrue(sentinel.get() == null, "no GC happened");
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_rooms 3.0"), text);
            assertTrue(text.contains("vardmote_media_transports 6.0"), text);
            assertTrue(text.contains("vardmote_participants 3.0"), text);
            assertTrue(metrics.registry().get("vardmote.rooms").gauge().value() == 3.0);
            assertTrue(metrics.registry().get("vardmote.media.transports").gauge().value() == 6.0);
        }
    }

    @Test
    void countsEachMediaCounterByNameIncludingNewOnes() {
        Map<String, Long> counters = new HashMap<>(Map.of("rtp.in.packets", 10L));
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, () -> 0, () -> 0, () -> counters)) {
            assertTrue(metrics.scrape().contains("vardmote_media_events_total{name=\"rtp.in.packets\"} 10.0"));
            counters.put("rtp.in.packets", 12L);
            counters.put("stun.dropped.not_allowed", 3L);
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_media_events_total{name=\"rtp.in.packets\"} 12.0"), text);
            assertTrue(text.contains("vardmote_media_events_total{name=\"stun.dropped.not_allowed\"} 3.0"), text);
        }
    }

    @Test
    void countsRefusalsOfStrangersByReasonOnly() {
        Map<String, Long> counters = Map.of("join.refused.invalid_token", 20L, "join.refused.too_many_attempts", 3L,
                "api.auth.failed", 10L, "api.auth.rate_limited", 1L, "sip.refused.rate_limited", 4L);
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, () -> 0, () -> 0, () -> counters)) {
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_join_refused_total{reason=\"invalid_token\"} 20.0"), text);
            assertTrue(text.contains("vardmote_join_refused_total{reason=\"too_many_attempts\"} 3.0"), text);
            assertTrue(text.contains("vardmote_api_auth_refused_total{reason=\"too_many_attempts\"} 1.0"), text);
            assertTrue(text.contains("vardmote_sip_events_total{name=\"refused.rate_limited\"} 4.0"), text);
        }
    }

    @Test
    void scrapesEvenWhenAPartIsNotReady() {
        try (ServerMetrics metrics = new ServerMetrics(() -> {
            throw new UnsupportedOperationException();
        }, () -> 0, () -> 0, () -> {
            throw new IllegalStateException();
        })) {
            assertTrue(metrics.scrape().contains("vardmote_rooms NaN"));
        }
    }

    @Test
    void exposesParticipantsByRoleAndTransport() {
        Map<ParticipantGroup, Integer> groups = Map.of(
                new ParticipantGroup("clinician", ParticipantGroup.VIDEO), 2,
                new ParticipantGroup("patient", ParticipantGroup.VIDEO), 1,
                new ParticipantGroup("interpreter", ParticipantGroup.PHONE), 1);
        try (ServerMetrics metrics = new ServerMetrics(() -> 3, () -> groups, () -> 0, Map::of, List.of())) {
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_participants 4.0"), text);
            assertTrue(text.contains("vardmote_participants_connected{role=\"clinician\",transport=\"video\"} 2.0"), text);
            assertTrue(text.contains("vardmote_participants_connected{role=\"interpreter\",transport=\"phone\"} 1.0"), text);
        }
    }

    @Test
    void exportsSubscriberEstimatesAndSimulcastChoicesWithoutIdentity() {
        Map<String, Long> counters = Map.of("simulcast.layer.down", 3L, "simulcast.switched", 5L);
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, () -> 0, () -> 0, () -> counters)) {
            metrics.registerSubscriberEstimates(() -> new long[] {400_000, 900_000, 2_500_000});
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_media_subscribers_estimating 3.0"), text);
            assertTrue(text.contains("vardmote_media_subscriber_downlink_estimate_bits_per_second{stat=\"min\"} 400000.0"), text);
            assertTrue(text.contains("vardmote_media_subscriber_downlink_estimate_bits_per_second{stat=\"median\"} 900000.0"), text);
            assertTrue(text.contains("vardmote_simulcast_layer_choices_total{choice=\"down\"} 3.0"), text);
            assertTrue(text.contains("vardmote_simulcast_switches_total 5.0"), text);
        }
    }

    @Test
    void namesPacketsBytesFailuresNacksAndPlisAfterMicrometerConventions() {
        Map<String, Long> counters = Map.of("media.in.datagrams", 100L, "media.out.bytes", 120_000L,
                "srtp.unprotect.failed", 3L, "dtls.handshakes.failed", 1L, "stun.dropped.bad_integrity", 4L,
                "rtcp.nack.forwarded", 7L, "rtcp.pli.sent", 2L, "rtp.forwarded", 99L,
                "media.loop.allocated.bytes", 4096L, "media.loop.cpu.nanos", 5_000_000L);
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, () -> 0, () -> 0, () -> counters)) {
            String text = metrics.scrape();
            assertTrue(text.contains("vardmote_media_packets_total{direction=\"in\"} 100.0"), text);
            assertTrue(text.contains("vardmote_media_traffic_bytes_total{direction=\"out\"} 120000.0"), text);
            assertTrue(text.contains("vardmote_srtp_failures_total{operation=\"unprotect\"} 3.0"), text);
            assertTrue(text.contains("vardmote_dtls_failures_total 1.0"), text);
            assertTrue(text.contains("vardmote_ice_failures_total{reason=\"bad_integrity\"} 4.0"), text);
            assertTrue(text.contains("vardmote_rtcp_nacks_total{outcome=\"forwarded\"} 7.0"), text);
            assertTrue(text.contains("vardmote_rtcp_keyframe_requests_total{origin=\"router\",type=\"pli\"} 2.0"), text);
            assertTrue(text.contains("vardmote_media_forwarded_packets_total 99.0"), text);
            assertTrue(text.contains("vardmote_media_loop_allocated_bytes_total 4096.0"), text);
            assertTrue(text.contains("vardmote_media_loop_cpu_nanoseconds_total 5000000.0"), text);
        }
    }

    @Test
    void recordsTheLagOfABusyEventLoop() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, Map::of, () -> 0, Map::of, List.of(loop),
                Duration.ofMillis(20))) {
            loop.submit(() -> sleep(300)).sync();
            Thread.sleep(100);
            io.micrometer.core.instrument.Timer lag = metrics.registry().get("vardmote.eventloop.lag")
                    .tag("loop", "media-0").timer();
            assertTrue(lag.count() > 0);
            assertTrue(lag.max(TimeUnit.MILLISECONDS) >= 200, "max lag " + lag.max(TimeUnit.MILLISECONDS));
            assertTrue(metrics.scrape().contains("vardmote_eventloop_lag_seconds_max{loop=\"media-0\"}"));
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void computesForwardedPacketsPerSecond() throws Exception {
        Map<String, Long> counters = new ConcurrentHashMap<>(Map.of("rtp.forwarded", 0L));
        try (ServerMetrics metrics = new ServerMetrics(() -> 0, Map::of, () -> 0, () -> counters, List.of(),
                Duration.ofMillis(50))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            double rate = 0;
            while (rate <= 0 && System.nanoTime() < deadline) {
                counters.merge("rtp.forwarded", 1000L, Long::sum);
                Thread.sleep(10);
                rate = metrics.registry().get("vardmote.media.forwarded.rate").gauge().value();
            }
            assertTrue(rate > 0, "rate " + rate);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
