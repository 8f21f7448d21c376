package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link AimdRateControl} (delay-based) and {@link LossBasedControl}. */
class RateControlTest {

    private static final long MS = 1_000_000L;

    @Test
    void increasesEightPercentPerSecondWhileTheLinkIsUnknown() {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 10_000, 100_000_000);
        aimd.update(BandwidthUsage.NORMAL, 1_000_000, 0);
        for (long t = 50 * MS; t <= 1_000 * MS; t += 50 * MS) {
            aimd.update(BandwidthUsage.NORMAL, 1_000_000, t);
        }
        assertEquals(1_080_000, aimd.bitsPerSecond(), 2_000);
    }

    @Test
    void neverIncreasesPastOneAndAHalfTimesTheAcknowledgedRate() {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 10_000, 100_000_000);
        for (long t = 0; t <= 20_000 * MS; t += 50 * MS) {
            aimd.update(BandwidthUsage.NORMAL, 400_000, t);
        }
        assertEquals(1_000_000, aimd.bitsPerSecond(), "above 1.5 × 400 k + 10 k already: held, not raised");
        AimdRateControl low = new AimdRateControl(300_000, 10_000, 100_000_000);
        for (long t = 0; t <= 20_000 * MS; t += 50 * MS) {
            low.update(BandwidthUsage.NORMAL, 400_000, t);
        }
        assertEquals(610_000, low.bitsPerSecond());
    }

    @Test
    void fallsToEightyFivePercentOfTheAcknowledgedRateOnOveruseThenHoldsWhileUnderusing() {
        AimdRateControl aimd = new AimdRateControl(3_000_000, 10_000, 100_000_000);
        aimd.update(BandwidthUsage.OVERUSING, 2_000_000, 0);
        assertEquals(1_700_000, aimd.bitsPerSecond());
        aimd.update(BandwidthUsage.UNDERUSING, 2_000_000, 100 * MS);
        aimd.update(BandwidthUsage.UNDERUSING, 2_000_000, 200 * MS);
        assertEquals(1_700_000, aimd.bitsPerSecond());
        aimd.update(BandwidthUsage.NORMAL, 1_700_000, 300 * MS);
        aimd.update(BandwidthUsage.NORMAL, 1_700_000, 1_300 * MS);
        long additive = aimd.bitsPerSecond() - 1_700_000;
        assertTrue(additive > 0 && additive < 0.08 * 1_700_000,
                "near the link it found, the increase is additive: " + additive + " bit/s in 1 s");
    }

    @Test
    void reducesAgainOnlyAfterAnRttUnlessThroughputHalved() {
        AimdRateControl aimd = new AimdRateControl(3_000_000, 10_000, 100_000_000);
        aimd.setRttNanos(100 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 2_000_000, 0);
        assertTrue(!aimd.timeToReduceFurther(50 * MS, 1_500_000));
        assertTrue(aimd.timeToReduceFurther(50 * MS, 800_000), "throughput under half the estimate");
        assertTrue(aimd.timeToReduceFurther(100 * MS, 1_500_000));
    }

    private static void report(LossBasedControl loss, int lost, long t) {
        loss.onPackets(lost, 100, t);
    }

    @Test
    void lossBasedHoldsBetweenTwoAndTenPercentLoss() {
        LossBasedControl loss = new LossBasedControl(1_000_000, 10_000, 100_000_000);
        for (long t = 0; t < 10_000 * MS; t += 100 * MS) {
            report(loss, 6, t);
            loss.update(t, 100_000_000, 50 * MS);
        }
        assertEquals(1_000_000, loss.bitsPerSecond());
        assertEquals(0.06, loss.lossFraction(), 1e-9);
    }

    @Test
    void lossBasedShedsHalfTheLossAboveTenPercentOncePerSecondLongMeasurementAndAtMostEveryThreeHundredMillisecondsPlusRtt() {
        LossBasedControl loss = new LossBasedControl(1_000_000, 10_000, 100_000_000);
        report(loss, 20, 0);
        loss.update(0, 100_000_000, 100 * MS);
        assertEquals(1_000_000, loss.bitsPerSecond(), "a loss fraction spans a second");
        report(loss, 20, 1_000 * MS);
        loss.update(1_000 * MS, 100_000_000, 100 * MS);
        assertEquals(900_000, loss.bitsPerSecond(), "20 % lost: 10 % off");
        loss.update(1_500 * MS, 100_000_000, 100 * MS);
        assertEquals(900_000, loss.bitsPerSecond(), "one cut per measurement");
        report(loss, 20, 1_500 * MS);
        report(loss, 20, 2_000 * MS);
        loss.update(2_000 * MS, 100_000_000, 1_200 * MS);
        assertEquals(900_000, loss.bitsPerSecond(), "not before 300 ms + the 1.2 s RTT");
        loss.update(2_500 * MS, 100_000_000, 1_200 * MS);
        assertEquals(810_000, loss.bitsPerSecond());
    }

    @Test
    void lossBasedGrowsUnderTwoPercentButNotAboveTheDelayBasedRate() {
        LossBasedControl loss = new LossBasedControl(1_000_000, 10_000, 100_000_000);
        for (long t = 0; t <= 3_000 * MS; t += 100 * MS) {
            report(loss, 1, t);
            loss.update(t, 1_100_000, 50 * MS);
        }
        assertEquals(1_100_000, loss.bitsPerSecond());
    }
}
