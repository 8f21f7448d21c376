package se.vardmote.loadtest;

import java.util.Map;

/**
 * What a soak compares before and after churn: the server's live rooms, participants, media transports,
 * routers, published streams and subscriptions (its gauges in {@code /metrics}), its live threads and its
 * heap in use. A gauge the server does not export reads NaN. Immutable; any thread.
 */
public record ServerState(double rooms, double participants, double transports, double routers, double streams,
                          double subscriptions, double liveThreads, double heapUsedBytes) {

    /** The state in one {@code /metrics} scrape; the heap is whatever is in use (no collection is forced). */
    static ServerState of(MetricsScrape scrape) {
        Map<String, Double> s = scrape.samples();
        double heap = Double.NaN;
        for (Map.Entry<String, Double> e : s.entrySet()) {
            // jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} ...: one series per heap pool.
            if (e.getKey().startsWith("jvm_memory_used_bytes{") && e.getKey().contains("area=\"heap\"")) {
                heap = (Double.isNaN(heap) ? 0 : heap) + e.getValue();
            }
        }
        return new ServerState(get(s, "vardmote_rooms"), get(s, "vardmote_participants"),
                get(s, "vardmote_media_transports"), get(s, "vardmote_media_routers"), get(s, "vardmote_media_streams"),
                get(s, "vardmote_media_subscriptions"), get(s, "jvm_threads_live_threads"), heap);
    }

    private static double get(Map<String, Double> samples, String name) {
        return samples.getOrDefault(name, Double.NaN);
    }

    /** The same counts with threads and heap measured in the server's own JVM (a server in this process). */
    public ServerState withJvm(int liveThreads, long heapUsedAfterGc) {
        return new ServerState(rooms, participants, transports, routers, streams, subscriptions, liveThreads,
                heapUsedAfterGc);
    }

    /** Whether every count (not threads, not heap) equals {@code baseline}'s: nothing a visit owned is left. */
    boolean countsEqual(ServerState baseline) {
        return rooms == baseline.rooms && participants == baseline.participants && transports == baseline.transports
                && routers == baseline.routers && streams == baseline.streams && subscriptions == baseline.subscriptions;
    }
}
