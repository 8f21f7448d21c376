package se.vardmote.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
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
    void scrapesEvenWhenAPartIsNotReady() {
        try (ServerMetrics metrics = new ServerMetrics(() -> {
            throw new UnsupportedOperationException();
        }, () -> 0, () -> 0, () -> {
            throw new IllegalStateException();
        })) {
            assertTrue(metrics.scrape().contains("vardmote_rooms NaN"));
        }
    }
}
