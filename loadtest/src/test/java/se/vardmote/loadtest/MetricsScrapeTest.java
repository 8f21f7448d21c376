package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

    @Test
    void computesMediaEventDeltasAndServerCpu() {
        MetricsScrape before = new MetricsScrape(0, MetricsScrape.parse("""
                # HELP vardmote_media_events_total media plane events
                # TYPE vardmote_media_events_total counter
                vardmote_media_events_total{name="rtp.in.packets"} 100.0
                vardmote_media_events_total{name="srtp.failures"} 3.0
                process_cpu_time_ns_total 1.0E9
                """));
        MetricsScrape after = new MetricsScrape(2_000_000_000L, MetricsScrape.parse("""
                vardmote_media_events_total{name="rtp.in.packets"} 350.0
                vardmote_media_events_total{name="srtp.failures"} 3.0
                process_cpu_time_ns_total 2.0E9
                process_cpu_usage 0.25
                """));
        assertEquals(Map.of("{name=\"rtp.in.packets\"}", 250.0), after.mediaEventDeltas(before));
        assertEquals(0.5, after.serverCpuCores(before), 1e-9);
        assertEquals(0.25, after.processCpuUsage());
    }

    @Test
    void keepsLabelValuesWithSpaces() {
        assertEquals(Map.of("m{a=\"x y\"}", 1.5), MetricsScrape.parse("m{a=\"x y\"} 1.5 1700000000\n"));
    }

    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryTextWithoutThrowing(byte[] data) {
        Map<String, Double> samples = MetricsScrape.parse(new String(data, StandardCharsets.UTF_8));
        assertTrue(samples.size() <= MetricsScrape.MAX_SERIES);
    }
}
