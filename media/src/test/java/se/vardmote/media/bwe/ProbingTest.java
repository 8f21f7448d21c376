package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ProbeController} (when and how fast) and {@link ProbeClusters} (what a cluster measured). */
class ProbingTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final ProbeClusters clusters = new ProbeClusters();
    private final ProbeController probes = new ProbeController(300_000, 10_000_000, clusters);

    @Test
    void probesAtThreeAndSixTimesTheStartEstimateFirst() {
        int first = probes.next(0, 300_000);
        assertEquals(900_000, probes.clusterBitsPerSecond());
        assertEquals(900_000 * 15 / 8_000, probes.clusterBytes(), "15 ms at the probe's rate");
        assertEquals(5, probes.clusterPackets());
        int second = probes.next(5 * MS, 300_000);
        assertEquals(1_800_000, probes.clusterBitsPerSecond());
        assertTrue(second != first);
        assertEquals(-1, probes.next(10 * MS, 300_000));
    }

    @Test
    void probesFurtherWhileResultsReachSeventyPercentOfTheirTarget() {
        probes.next(0, 300_000);
        probes.next(5 * MS, 300_000);
        probes.onResult(1_700_000, 100 * MS); // 94 % of 1.8 M
        assertTrue(probes.next(105 * MS, 1_700_000) >= 0);
        assertEquals(3_400_000, probes.clusterBitsPerSecond());
        probes.onResult(2_300_000, 200 * MS); // 68 % of 3.4 M: the link is found
        assertEquals(-1, probes.next(205 * MS, 2_300_000));
    }

    @Test
    void probesNoHigherThanTwiceTheDemandAndStopsThere() {
        probes.setDemandBitsPerSecond(1_000_000);
        probes.next(0, 300_000);
        probes.next(5 * MS, 300_000);
        assertEquals(1_800_000, probes.clusterBitsPerSecond());
        probes.onResult(1_800_000, 100 * MS);
        assertTrue(probes.next(105 * MS, 1_800_000) >= 0);
        assertEquals(2_000_000, probes.clusterBitsPerSecond(), "capped at 2 × demand");
        probes.onResult(2_000_000, 200 * MS);
        assertEquals(-1, probes.next(205 * MS, 2_000_000), "a capped probe ends the series");
    }

    @Test
    void probesAtTwiceAStableEstimateEveryFiveSeconds() {
        probes.next(0, 300_000);
        probes.next(5 * MS, 300_000);
        for (long t = 10 * MS; t < 5 * S; t += 50 * MS) {
            probes.onEstimate(1_000_000, t);
            assertEquals(-1, probes.next(t, 1_000_000), "at " + t / MS + " ms");
        }
        assertTrue(probes.next(5 * S + 10 * MS, 1_000_000) >= 0);
        assertEquals(2_000_000, probes.clusterBitsPerSecond());
        probes.onEstimate(700_000, 6 * S); // a fall: the link is full
        assertEquals(-1, probes.next(10 * S + 20 * MS, 700_000), "5 s since the probe, but 4 s since the fall");
        assertTrue(probes.next(11 * S, 700_000) >= 0);
        assertEquals(1_400_000, probes.clusterBitsPerSecond());
    }

    @Test
    void doesNotProbeAtTheMaximum() {
        ProbeController capped = new ProbeController(300_000, 1_000_000, clusters);
        capped.next(0, 300_000);
        assertEquals(900_000, capped.clusterBitsPerSecond());
        capped.next(5 * MS, 300_000);
        assertEquals(1_000_000, capped.clusterBitsPerSecond());
        assertEquals(-1, capped.next(10 * S, 1_000_000));
    }

    /** A cluster of {@code n} 1000-byte packets sent {@code sendGap} apart and received {@code receiveGap} apart. */
    private long cluster(int id, int n, long sendGap, long receiveGap) {
        return cluster(id, 4_000_000, n, sendGap, receiveGap);
    }

    private long cluster(int id, long target, int n, long sendGap, long receiveGap) {
        clusters.start(id, target, 5, 5_000);
        long result = 0;
        for (int i = 0; i < n; i++) {
            clusters.onAcked(id, i * sendGap, 40 * MS + i * receiveGap, 1000);
            long r = clusters.takeResult();
            if (r > 0) {
                result = r;
            }
        }
        return result;
    }

    @Test
    void aProbeThroughAWideLinkMeasuresItsSendRate() {
        // 1000 bytes every 2 ms = 4 Mbit/s sent; received at 4.2 Mbit/s (jitter): the lower counts.
        long result = cluster(1, 8, 2 * MS, 1_900_000);
        assertEquals(4_000_000, result, 1_000);
    }

    @Test
    void aProbeThroughANarrowLinkMeasuresNinetyFivePercentOfItsReceiveRate() {
        long result = cluster(2, 8, 2 * MS, 4 * MS); // 4 Mbit/s sent, 2 Mbit/s received
        assertEquals(0.95 * 2_000_000, result, 1_000);
    }

    @Test
    void aProbeThatLeftInABurstMeasuresNoMoreThanItsPlannedRate() {
        // Planned at 260 kbit/s, sent back to back (2 µs apart) and let through a token bucket's burst 250 µs
        // apart: 32 Mbit/s on the wire, which a 600 kbit/s link does not carry.
        long result = cluster(5, 260_000, 8, 2_000, 250_000);
        assertEquals(260_000, result);
    }

    @Test
    void aProbeNeedsEightyPercentOfItsPacketsAndBytes() {
        assertEquals(0, cluster(3, 3, 2 * MS, 2 * MS), "3 of 5 packets, 3000 of 5000 bytes");
        assertTrue(cluster(4, 4, 2 * MS, 2 * MS) > 0, "4 of 5 packets, 4000 of 5000 bytes");
    }

    @Test
    void ignoresPacketsOfAClusterItNoLongerTracks() {
        clusters.start(3, 4_000_000, 5, 5_000);
        clusters.start(3 + ProbeClusters.SLOTS, 4_000_000, 5, 5_000); // reuses the slot
        for (int i = 0; i < 8; i++) {
            clusters.onAcked(3, i * 2 * MS, i * 2 * MS, 1000);
        }
        assertEquals(0, clusters.takeResult());
    }
}
