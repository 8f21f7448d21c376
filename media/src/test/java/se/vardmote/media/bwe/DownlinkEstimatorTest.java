package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtcp.TransportFeedback;

/** How {@link DownlinkEstimator} reads feedback, with feedback written and parsed by {@link TransportCcFeedback}. */
class DownlinkEstimatorTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 250_000L;

    private final DownlinkEstimator estimator = new DownlinkEstimator(1_000_000, 50_000, 10_000_000);
    private final TransportCcFeedback.Parsed parsed = new TransportCcFeedback.Parsed(TransportCcFeedback.MAX_STATUSES);

    /**
     * Feedback for sequence numbers {@code base ..} (16 bits): {@code arrivals[i]} is the receiver-clock time
     * of {@code base + i} in ns, or -1 for "not received".
     */
    private TransportCcFeedback.Parsed feedback(int base, long... arrivals) {
        byte[] symbols = new byte[arrivals.length];
        short[] deltas = new short[arrivals.length];
        long first = -1;
        for (long a : arrivals) {
            if (a >= 0) {
                first = a;
                break;
            }
        }
        long referenceTicks = Math.floorDiv(first / TICK, 256);
        long previous = referenceTicks * 256;
        int d = 0;
        for (int i = 0; i < arrivals.length; i++) {
            if (arrivals[i] < 0) {
                symbols[i] = TransportCcFeedback.NOT_RECEIVED;
                continue;
            }
            long ticks = arrivals[i] / TICK;
            symbols[i] = (byte) TransportCcFeedback.symbolFor(ticks - previous);
            deltas[d++] = (short) (ticks - previous);
            previous = ticks;
        }
        ByteBuf out = Unpooled.buffer(TransportCcFeedback.maxLength(arrivals.length));
        TransportCcFeedback.write(out, 1, 2, base & 0xFFFF, (int) (referenceTicks & 0xFFFFFF), 0, symbols,
                arrivals.length, deltas);
        RtcpCompound compound = new RtcpCompound().reset(out);
        TransportFeedback view = new TransportFeedback();
        assertTrue(compound.next() && view.wrap(compound) && TransportCcFeedback.parse(view, parsed));
        return parsed;
    }

    /**
     * Sends 1250-byte packets every 10 ms (1 Mbit/s) from {@code firstSeq} for {@code millis}, each arriving
     * 30 ms later on a receiver clock {@code offset} ahead, with feedback every 50 ms.
     */
    private void steadyMegabit(int firstSeq, long offset, int millis) {
        long start = 1_000 * MS;
        int packets = millis / 10;
        for (int p = 0; p < packets; p += 5) {
            for (int k = 0; k < 5; k++) {
                estimator.history().onSent(firstSeq + p + k, start + (p + k) * 10 * MS, 1250, -1);
            }
            long[] arrivals = new long[5];
            for (int k = 0; k < 5; k++) {
                arrivals[k] = offset + start + (p + k) * 10 * MS + 30 * MS;
            }
            estimator.onFeedback(feedback(firstSeq + p, arrivals), start + (p + 5) * 10 * MS + 30 * MS);
        }
    }

    /** The receiver clock passes {@code wrapNanos} 2 s into a 2.1 s run; the acked rate needs 150 ms unbroken. */
    private void assertContinuousAcrossArrivalTime(long wrapNanos, int firstSeq) {
        steadyMegabit(firstSeq, wrapNanos - 3_000 * MS, 2_100);
        long acked = estimator.ackedBitsPerSecond();
        assertTrue(acked > 900_000 && acked < 1_100_000, "acked " + acked + " (0 if arrival times jumped)");
        assertEquals(BandwidthUsage.NORMAL, estimator.usage());
        assertTrue(estimator.estimateBitsPerSecond() >= 1_000_000, "estimate " + estimator.estimateBitsPerSecond());
        assertEquals(0, estimator.unknownPackets());
        assertEquals(0, estimator.lossFraction());
    }

    @Test
    void rebuildsArrivalTimesWhereTheParsersSignedReferenceTimeFlips() {
        assertContinuousAcrossArrivalTime(0x800000L * 64 * MS, 100); // +8388607 then -8388608 as parsed
    }

    @Test
    void rebuildsArrivalTimesAcrossTheTwentyFourBitWrapAndTheSequenceWrap() {
        assertContinuousAcrossArrivalTime(0x1000000L * 64 * MS, 65_400);
    }

    @Test
    void skipsStatusesOfPacketsNeverSent() {
        estimator.history().onSent(10, 0, 1200, -1);
        estimator.onFeedback(feedback(30_000, 5 * MS, 6 * MS, -1), 40 * MS);
        assertEquals(3, estimator.unknownPackets());
        assertEquals(1_000_000, estimator.estimateBitsPerSecond());
        DownlinkEstimator empty = new DownlinkEstimator(1_000_000, 50_000, 10_000_000);
        empty.onFeedback(feedback(5, 5 * MS), 40 * MS); // nothing sent at all
        assertEquals(1, empty.unknownPackets());
    }

    @Test
    void countsADuplicatedFeedbackOnce() {
        for (int i = 0; i < 30; i++) {
            estimator.history().onSent(i, i * MS, 1200, -1);
        }
        long[] arrivals = new long[30];
        for (int i = 0; i < 30; i++) {
            arrivals[i] = i % 10 == 0 ? -1 : 50 * MS + i * MS;
        }
        estimator.onFeedback(feedback(0, arrivals), 100 * MS);
        estimator.onFeedback(feedback(0, arrivals), 1_100 * MS); // a second later: the loss window closes
        assertEquals(27, estimator.duplicatePackets());
        assertEquals(0.1, estimator.lossFraction(), 1e-9, "the lost ones are not lost again");
    }

    @Test
    void aPacketReportedLostThenReceivedIsNotLoss() {
        for (int i = 0; i < 40; i++) {
            estimator.history().onSent(i, i * MS, 1200, -1);
        }
        long[] first = new long[20];
        for (int i = 0; i < 20; i++) {
            first[i] = i < 18 ? 50 * MS + i * MS : -1; // 18 and 19 reported lost (reordered in the network)
        }
        long[] second = new long[22];
        for (int i = 0; i < 22; i++) {
            second[i] = 70 * MS + i * MS; // 18 and 19 arrive after all, then 20..39
        }
        long[] secondWithoutThem = second.clone();
        secondWithoutThem[0] = -1;
        secondWithoutThem[1] = -1;
        DownlinkEstimator other = new DownlinkEstimator(1_000_000, 50_000, 10_000_000);
        for (int i = 0; i < 40; i++) {
            other.history().onSent(i, i * MS, 1200, -1);
        }
        other.onFeedback(feedback(0, first), 100 * MS);
        other.onFeedback(feedback(18, secondWithoutThem), 1_150 * MS);
        assertEquals(0.05, other.lossFraction(), 1e-9, "2 of 40 lost when they never arrive");

        estimator.onFeedback(feedback(0, first), 100 * MS);
        estimator.onFeedback(feedback(18, second), 1_150 * MS);
        assertEquals(0.0, estimator.lossFraction(), 1e-9, "the late two are taken off the count");
    }

    @Test
    void readsNoFurtherThanTheDeltasAParsedFeedbackHolds() {
        for (int i = 0; i < 4; i++) {
            estimator.history().onSent(i, i * MS, 1200, -1);
        }
        TransportCcFeedback.Parsed odd = feedback(0, 5 * MS, 6 * MS, 7 * MS, 8 * MS);
        odd.deltaCount = 2; // a caller's inconsistent object: four received statuses, two deltas
        estimator.onFeedback(odd, 20 * MS);
        odd.count = 0;
        estimator.onFeedback(odd, 30 * MS);
        assertEquals(1, estimator.feedbacks());
    }
}
