package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakCheckTest {

    private static final ServerState BASELINE = new ServerState(1, 2, 4, 1, 4, 4, 50, 40L << 20);

    @Test
    void readsTheServersGaugesFromAScrape() {
        MetricsScrape scrape = new MetricsScrape(0, MetricsScrape.parse("""
                # TYPE vardmote_rooms gauge
                vardmote_rooms 2.0
                vardmote_participants 5.0
                vardmote_media_transports 10.0
                vardmote_media_routers 2.0
                vardmote_media_streams 10.0
                vardmote_media_subscriptions 16.0
                jvm_threads_live_threads 61.0
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576.0
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152.0
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9999999.0
                """));
        assertEquals(new ServerState(2, 5, 10, 2, 10, 16, 61, 3 << 20), ServerState.of(scrape));
    }

    @Test
    void aServerBackAtItsBaselineHasNoProblems() {
        ServerState after = BASELINE.withJvm(50 + SoakCheck.THREAD_TOLERANCE, (40L << 20) + SoakCheck.HEAP_TOLERANCE_BYTES);
        assertEquals(List.of(), SoakCheck.problems(BASELINE, after, true));
    }

    @Test
    void namesASubscriptionLeftBehind() {
        ServerState after = new ServerState(1, 2, 4, 1, 4, 5, 50, 40L << 20);
        assertEquals(List.of("subscriptions: 4 before, 5 after (must be equal)"), SoakCheck.problems(BASELINE, after, true));
    }

    @Test
    void namesThreadsAndHeapBeyondTheirTolerance() {
        ServerState after = BASELINE.withJvm(50 + SoakCheck.THREAD_TOLERANCE + 1,
                (40L << 20) + SoakCheck.HEAP_TOLERANCE_BYTES + 1);
        List<String> problems = SoakCheck.problems(BASELINE, after, true);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("live threads"), problems.toString());
        assertTrue(problems.get(1).startsWith("heap after GC"), problems.toString());
        assertEquals(1, SoakCheck.problems(BASELINE, after, false).size(), "heap is judged only when asked");
    }

    @Test
    void aMissingGaugeIsAProblemNotAPass() {
        ServerState after = new ServerState(1, 2, 4, Double.NaN, 4, 4, 50, 40L << 20);
        assertEquals(1, SoakCheck.problems(BASELINE, after, true).size());
    }
}
