package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link InterArrival}, {@link TrendlineFilter} and {@link OveruseDetector} together, on synthetic timings. */
class DelayDetectorTest {

    private final InterArrival groups = new InterArrival();
    private final TrendlineFilter trendline = new TrendlineFilter();
    private final OveruseDetector detector = new OveruseDetector();
    private long send;
    private long queue;

    /** A packet every 2 ms for {@code ms}; the queue grows by {@code growthPerMs} ns for each ms sent. */
    private BandwidthUsage run(int ms, long growthPerMs) {
        for (int t = 0; t < ms; t += 2) {
            send += 2_000_000;
            queue = Math.max(0, queue + 2 * growthPerMs);
            long arrival = send + 30_000_000 + queue;
            if (groups.add(send, arrival, arrival)) {
                double sendDeltaMs = groups.sendDeltaNanos / 1e6;
                double trend = trendline.update(groups.arrivalDeltaNanos / 1e6, sendDeltaMs, arrival / 1e6);
                detector.detect(trend, trendline.deltas(), sendDeltaMs, arrival / 1e6);
            }
        }
        return detector.usage();
    }

    @Test
    void groupsPacketsSentWithinFiveMilliseconds() {
        assertFalse(groups.add(0, 10_000_000, 0));
        assertFalse(groups.add(2_000_000, 12_000_000, 0));
        assertFalse(groups.add(4_000_000, 14_000_000, 0));
        assertFalse(groups.add(6_000_000, 16_000_000, 0), "the first group closes; no earlier group to compare");
        assertFalse(groups.add(8_000_000, 18_000_000, 0));
        assertTrue(groups.add(12_000_000, 23_000_000, 0), "the second group closes");
        assertEquals(4_000_000, groups.sendDeltaNanos, "last send of group 2 (8 ms) minus of group 1 (4 ms)");
        assertEquals(4_000_000, groups.arrivalDeltaNanos);
    }

    @Test
    void ignoresAPacketSentBeforeTheCurrentGroup() {
        groups.add(10_000_000, 20_000_000, 0);
        assertFalse(groups.add(5_000_000, 21_000_000, 0));
    }

    @Test
    void steadyDelayIsNormal() {
        assertEquals(BandwidthUsage.NORMAL, run(3000, 0));
    }

    @Test
    void growingDelayIsOverusingAndDrainingDelayUnderusing() {
        run(1000, 0);
        assertEquals(BandwidthUsage.OVERUSING, run(300, 100_000), "10 % over capacity for 300 ms");
        assertEquals(BandwidthUsage.UNDERUSING, run(300, -150_000), "the queue drains");
        assertEquals(BandwidthUsage.NORMAL, run(2000, 0));
    }

    @Test
    void thresholdAdaptsWithinItsBounds() {
        run(1000, 0);
        assertTrue(detector.threshold() >= 6 && detector.threshold() < OveruseDetector.INITIAL_THRESHOLD,
                "a quiet path lowers the threshold toward 6: " + detector.threshold());
    }
}
