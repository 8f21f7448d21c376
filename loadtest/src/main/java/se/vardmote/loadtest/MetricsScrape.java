package se.vardmote.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of the server's {@code /metrics} (Prometheus text format 0.0.4): every sample line as
 * {@code name{labels}} → value. Comment lines and unparsable values are skipped. Network input: at most
 * {@link #MAX_BYTES} bytes, {@link #MAX_SERIES} series and {@link #MAX_LINE} characters a line.
 * Immutable; any thread.
 */
record MetricsScrape(long nanoTime, Map<String, Double> samples) {

    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_SERIES = 20_000;
    static final int MAX_LINE = 2048;
    static final String MEDIA_EVENTS = "vardmote_media_events_total";

    static MetricsScrape fetch(HttpClient http, URI server) {
        try {
            HttpRequest request = HttpRequest.newBuilder(server.resolve("/metrics")).timeout(Duration.ofSeconds(10))
                    .GET().build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length > MAX_BYTES) return empty();
            return new MetricsScrape(System.nanoTime(),
                    parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return empty();
        }
    }

    static MetricsScrape empty() {
        return new MetricsScrape(System.nanoTime(), Map.of());
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (text == null || text.length() > MAX_BYTES) return out;
        int start = 0;
        int n = text.length();
        while (start < n && out.size() < MAX_SERIES) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = n;
            if (end - start <= MAX_LINE) sample(text.substring(start, end).strip(), out);
            start = end + 1;
        }
        return out;
    }

    private static void sample(String line, Map<String, Double> out) {
        if (line.isEmpty() || line.charAt(0) == '#') return;
        // name{labels} value [timestamp]; label values may hold spaces, so split after the closing brace.
        int brace = line.indexOf('{');
        int valueStart;
        if (brace >= 0) {
            int close = line.lastIndexOf('}');
            if (close < brace) return;
            valueStart = close + 1;
        } else {
            valueStart = line.indexOf(' ');
            if (valueStart < 0) return;
        }
        String name = line.substring(0, valueStart).strip();
        String[] rest = line.substring(valueStart).strip().split(" ");
        if (name.isEmpty() || rest.length == 0) return;
        try {
            out.put(name, Double.parseDouble(rest[0]));
        } catch (NumberFormatException e) {
            // "NaN", "+Inf" parse; anything else is not a sample
        }
    }

    /** The media-event counters that moved between {@code before} and this scrape. */
    Map<String, Double> mediaEventDeltas(MetricsScrape before) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            if (!k.startsWith(MEDIA_EVENTS)) return;
            double d = v - before.samples.getOrDefault(k, 0.0);
            if (d != 0) out.put(k.substring(MEDIA_EVENTS.length()), d);
        });
        return out;
    }

    /**
     * Cores the server used between the scrapes, from a cumulative CPU-time counter when the server exports
     * one ({@code process_cpu_time_ns_total} or {@code process_cpu_seconds_total}), else null.
     */
    Double serverCpuCores(MetricsScrape before) {
        double wallSeconds = (nanoTime - before.nanoTime) / 1e9;
        if (wallSeconds <= 0) return null;
        for (String key : new String[] {"process_cpu_time_ns_total", "process_cpu_time_seconds_total",
                "process_cpu_seconds_total"}) {
            Double now = samples.get(key);
            Double then = before.samples.get(key);
            if (now != null && then != null) {
                double seconds = key.contains("_ns_") ? (now - then) / 1e9 : now - then;
                return seconds / wallSeconds;
            }
        }
        return null;
    }

    /** The server's {@code process_cpu_usage} gauge (0..1 of all cores, Micrometer), or null. */
    Double processCpuUsage() {
        return samples.get("process_cpu_usage");
    }
}
