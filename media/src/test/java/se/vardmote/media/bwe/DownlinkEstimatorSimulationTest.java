package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.media.bwe.BottleneckSimulation.MS;
import static se.vardmote.media.bwe.BottleneckSimulation.SECOND;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The estimator against {@link BottleneckSimulation}: a sender at min(estimate, demand) with probes, a FIFO
 * bottleneck, feedback every 50 ms through the real transport-cc writer and parser. Every run starts its
 * transport-wide sequence numbers at 65 000 so they wrap within the first second. Figures are printed for the
 * record (the report quotes them); the assertions leave room around them.
 */
class DownlinkEstimatorSimulationTest {

    /** Samples taken every 50 ms of simulated time. */
    static final class Trace {
        final long[] at;
        final long[] estimate;
        final long[] queue;
        int n;

        Trace(int capacity) {
            at = new long[capacity];
            estimate = new long[capacity];
            queue = new long[capacity];
        }

        /** Seconds from the start until the estimate first reached {@code bps}, or +inf. */
        double firstReach(long bps) {
            for (int i = 0; i < n; i++) {
                if (estimate[i] >= bps) {
                    return at[i] / 1e9;
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        double firstAtOrBelow(long bps, long fromNanos) {
            for (int i = 0; i < n; i++) {
                if (at[i] >= fromNanos && estimate[i] <= bps) {
                    return at[i] / 1e9;
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        long max(long[] series, long from, long to) {
            long m = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                if (at[i] >= from && at[i] < to) {
                    m = Math.max(m, series[i]);
                }
            }
            return m;
        }

        long min(long[] series, long from, long to) {
            long m = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (at[i] >= from && at[i] < to) {
                    m = Math.min(m, series[i]);
                }
            }
            return m;
        }

        long mean(long[] series, long from, long to) {
            long sum = 0;
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (at[i] >= from && at[i] < to) {
                    sum += series[i];
                    count++;
                }
            }
            return count == 0 ? 0 : sum / count;
        }
    }

    /** Runs {@code seconds} of simulated time; {@code events} sees each sample time (to change the link). */
    static Trace run(BottleneckSimulation sim, int seconds, Consumer<Long> events) {
        Trace trace = new Trace(seconds * 20 + 2);
        long start = sim.now;
        sim.runUntil(start + seconds * SECOND, 50 * MS, () -> {
            long t = sim.now - start;
            events.accept(t);
            trace.at[trace.n] = t;
            trace.estimate[trace.n] = sim.estimator.estimateBitsPerSecond();
            trace.queue[trace.n] = sim.queueDelayNanos();
            trace.n++;
        });
        return trace;
    }

    static BottleneckSimulation simulation(long startBps, long seed) {
        return new BottleneckSimulation(new DownlinkEstimator(startBps, 50_000, 20_000_000), seed, 65_000);
    }

    @Test
    void rampsFrom300kbpsToMostOfA2500kbpsLinkWithinTenSecondsAndStaysNearIt() {
        BottleneckSimulation sim = simulation(300_000, 1);
        sim.capacityBps = 2_500_000;
        sim.demandBps = 5_000_000;
        Trace t = run(sim, 60, at -> { });

        double ramp = t.firstReach(2_000_000);
        long mean = t.mean(t.estimate, 10 * SECOND, 60 * SECOND);
        long low = t.min(t.estimate, 10 * SECOND, 60 * SECOND);
        long high = t.max(t.estimate, 0, 60 * SECOND);
        long queueMean = t.mean(t.queue, 10 * SECOND, 60 * SECOND);
        long queueMax = t.max(t.queue, 0, 60 * SECOND);
        System.out.printf("ramp 300k -> 2.5M link: 80%% at %.2f s; 10-60 s estimate mean %d min %d; max %d;"
                        + " queue mean %d ms max %d ms; probes %d; lost %d of %d%n", ramp, mean, low, high,
                queueMean / MS, queueMax / MS, sim.probesStarted, sim.packetsLost, sim.packetsSent);
        assertTrue(ramp <= 10, "80 % of the link reached at " + ramp + " s");
        assertTrue(mean >= 2_000_000 && mean <= 2_500_000, "mean estimate " + mean);
        assertTrue(low >= 1_700_000, "lowest estimate after the ramp " + low);
        assertTrue(high <= 2_500_000 * 1.15, "highest estimate " + high);
        assertTrue(queueMean < 20 * MS, "mean queuing delay " + queueMean / MS + " ms");
        assertTrue(queueMax < 150 * MS, "longest queuing delay " + queueMax / MS + " ms");
        assertEquals(0, sim.packetsLost);
        assertTrue(sim.estimator.probeResults() >= 2, "probe results " + sim.estimator.probeResults());
    }

    @Test
    void fallsToANarrowedLinkWithinTwoSecondsAndDrainsItsQueue() {
        BottleneckSimulation sim = simulation(300_000, 2);
        sim.capacityBps = 2_500_000;
        Trace t = run(sim, 60, at -> {
            if (at == 20 * SECOND) {
                sim.capacityBps = 600_000;
            }
        });

        long before = t.mean(t.estimate, 10 * SECOND, 20 * SECOND);
        double fallen = t.firstAtOrBelow(600_000, 20 * SECOND) - 20;
        long queuePeak = t.max(t.queue, 20 * SECOND, 60 * SECOND);
        double drained = Double.POSITIVE_INFINITY;
        for (int i = 0; i < t.n; i++) {
            if (t.at[i] > 21 * SECOND && t.queue[i] < 100 * MS) {
                drained = t.at[i] / 1e9 - 20;
                break;
            }
        }
        long after = t.mean(t.estimate, 40 * SECOND, 60 * SECOND);
        long afterHigh = t.max(t.estimate, 22 * SECOND, 60 * SECOND);
        long queueAfter = t.mean(t.queue, 40 * SECOND, 60 * SECOND);
        System.out.printf("2.5M -> 600k at 20 s: before %d; at or below 600k after %.2f s; queue peak %d ms, under"
                        + " 100 ms after %.1f s; 40-60 s estimate mean %d max(22-60 s) %d, queue mean %d ms%n",
                before, fallen, queuePeak / MS, drained, after, afterHigh, queueAfter / MS);
        assertTrue(before >= 2_000_000, "estimate before the drop " + before);
        assertTrue(fallen <= 2.0, "estimate at or below the new capacity after " + fallen + " s");
        assertTrue(queuePeak < SECOND, "queue peak " + queuePeak / MS + " ms");
        assertTrue(drained <= 15, "queue under 100 ms after " + drained + " s");
        assertTrue(after >= 450_000 && after <= 630_000, "estimate on the narrow link " + after);
        assertTrue(afterHigh <= 700_000, "highest estimate on the narrow link " + afterHigh);
        assertTrue(queueAfter < 50 * MS, "mean queuing delay once settled " + queueAfter / MS + " ms");
    }
}
