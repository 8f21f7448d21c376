package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long MS = 1_000_000L;

    /** Records when each packet left (by its first byte, a sequence number) and what was counted. */
    private static final class Sent implements Pacer.Sink {
        final List<Integer> order = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        final EnumMap<WorkerCounter, Integer> counts = new EnumMap<>(WorkerCounter.class);
        long now;

        @Override
        public void sendPaced(ByteBuf packet) {
            order.add(packet.getUnsignedByte(0) & 0xff);
            at.add(now);
            packet.release();
        }

        @Override
        public void count(WorkerCounter counter) {
            counts.merge(counter, 1, Integer::sum);
        }

        int counted(WorkerCounter counter) {
            return counts.getOrDefault(counter, 0);
        }
    }

    private static ByteBuf packet(int number, int length) {
        ByteBuf b = Unpooled.buffer(length);
        b.writeByte(number);
        b.writerIndex(length);
        return b;
    }

    /** Drives the pacer's tick every 5 ms until {@code untilNanos}. */
    private static void tickUntil(Pacer pacer, Sent sink, long fromNanos, long untilNanos) {
        for (long t = fromNanos; t <= untilNanos; t += PacingTimer.TICK_MILLIS * MS) {
            sink.now = t;
            pacer.drain(t);
        }
    }

    @Test
    void sendsEverythingAtOnceWithoutAnEstimate() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        for (int i = 0; i < 50; i++) assertTrue(pacer.offer(packet(i, 1200), 0));
        assertEquals(50, sink.order.size());
        assertEquals(0, pacer.queued());
        assertEquals(0, sink.counted(WorkerCounter.OUT_PACED));
    }

    @Test
    void spreadsAKeyframeBurstAtTheFactorTimesTheEstimate() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(960_000, 0); // paced at 2.4 Mbit/s = 300 000 bytes/s
        long start = 1_000 * MS;
        sink.now = start;
        for (int i = 0; i < 24; i++) pacer.offer(packet(i, 1200), start); // 28 800 bytes: 96 ms at that rate
        assertTrue(sink.order.size() <= 3, "the budget lets only a couple of packets out at once: " + sink.order.size());
        assertTrue(pacer.queued() > 20);

        tickUntil(pacer, sink, start + 5 * MS, start + 60 * MS);
        int after60 = sink.order.size();
        // 60 ms at 300 000 bytes/s is 18 000 bytes, 15 packets, plus the first budget's two
        assertTrue(after60 >= 14 && after60 <= 20, "sent in the first 60 ms: " + after60);

        tickUntil(pacer, sink, start + 65 * MS, start + 200 * MS);
        assertEquals(24, sink.order.size());
        for (int i = 0; i < 24; i++) assertEquals(i, sink.order.get(i), "the order is kept");
        assertTrue(sink.at.get(23) - start >= 80 * MS, "the last left after " + (sink.at.get(23) - start) / MS + " ms");
        assertTrue(sink.counted(WorkerCounter.OUT_PACED) > 20);
        assertEquals(0, sink.counted(WorkerCounter.OUT_PACED_OVERDUE), "within the wait limit at this rate");
    }

    @Test
    void audioNeverWaitsButSpendsTheBudgetVideoWouldUse() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(320_000, 0); // 100 000 bytes/s
        long t = 1_000 * MS;
        sink.now = t;
        pacer.bypassed(1000, t);
        pacer.bypassed(1000, t);
        pacer.bypassed(1000, t); // more than the whole budget
        assertTrue(pacer.offer(packet(1, 1000), t));
        assertEquals(0, sink.order.size(), "video waits behind the audio that was sent");
        assertEquals(1, pacer.queued());
        tickUntil(pacer, sink, t + 5 * MS, t + 40 * MS);
        assertEquals(1, sink.order.size());
    }

    @Test
    void noPacketWaitsLongerThanTheLimit() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(80_000, 0); // 25 000 bytes/s: 60 packets of 1200 would take 2.9 s
        long t = 1_000 * MS;
        sink.now = t;
        for (int i = 0; i < 60; i++) pacer.offer(packet(i, 1200), t);
        tickUntil(pacer, sink, t + 5 * MS, t + Pacer.MAX_WAIT_NANOS);
        assertEquals(60, sink.order.size());
        for (long sentAt : sink.at) assertTrue(sentAt - t <= Pacer.MAX_WAIT_NANOS);
        assertTrue(sink.counted(WorkerCounter.OUT_PACED_OVERDUE) > 40);
    }

    @Test
    void aFullQueueHandsThePacketBackForTheCallerToSend() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(100_000, 0);
        long t = 1_000 * MS;
        int taken = 0;
        ByteBuf last = null;
        for (int i = 0; i < Pacer.CAPACITY + 10; i++) {
            ByteBuf p = packet(i & 0xff, 1200);
            if (pacer.offer(p, t)) taken++;
            else last = p;
        }
        assertEquals(Pacer.CAPACITY + 2, taken, "the first budget's two went at once, then the queue filled");
        assertEquals(8, sink.counted(WorkerCounter.OUT_PACED_OVERFLOW));
        assertFalse(last == null);
        last.release();
        assertEquals(Pacer.CAPACITY, pacer.discard());
        assertEquals(0, pacer.queued());
    }

    @Test
    void stoppingPacingLetsWhatWaitsGoAtTheNextTick() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(100_000, 0);
        long t = 1_000 * MS;
        for (int i = 0; i < 20; i++) pacer.offer(packet(i, 1200), t);
        assertTrue(pacer.queued() > 0);
        pacer.setEstimate(0, t + MS);
        assertFalse(pacer.drain(t + 5 * MS));
        assertEquals(20, sink.order.size());
        assertTrue(pacer.offer(packet(99, 1200), t + 6 * MS));
        assertEquals(21, sink.order.size());
    }

    @Test
    void aLaggingEstimateNeverPacesBelowWhatIsSentOnAverage() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(80_000, 0); // a stalled browser's REMB: 25 000 bytes/s at 2.5 x
        assertEquals(25_000, pacer.bytesPerSecond());
        // 100 000 bytes/s go out for two seconds, one 1000-byte packet every 10 ms
        for (long t = 0; t <= 2_000 * MS; t += 10 * MS) {
            sink.now = t;
            pacer.offer(packet(1, 1000), t);
            pacer.drain(t);
        }
        assertTrue(pacer.bytesPerSecond() >= 1.4 * 100_000, "the pace follows the average: " + pacer.bytesPerSecond());
        assertEquals(0, pacer.queued(), "nothing is held back at the average rate");
        pacer.setEstimate(0, 2_001 * MS);
        assertEquals(0, pacer.bytesPerSecond(), "no estimate, no pacing");
    }

    @Test
    void anIdleMomentDoesNotSaveUpABurst() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(8_000_000, 0); // 2.5 MB/s: 10 ms hold 25 000 bytes
        long t = 10_000 * MS; // ten idle seconds
        for (int i = 0; i < 40; i++) pacer.offer(packet(i, 1200), t);
        int atOnce = sink.order.size();
        assertTrue(atOnce >= 20 && atOnce <= 22, "at most 10 ms of the rate leaves at once: " + atOnce);
    }

    @Test
    void aProbeClusterLeavesAtItsOwnRateOverItsDurationRatherThanInOneBurst() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(300_000, 0); // a full budget of 2400 bytes would let the whole cluster out at once
        long t = 1_000 * MS;
        // A 15 ms cluster at 600 kbit/s: 1125 bytes, five padding packets of 225
        pacer.probe(1_125, 600_000, t);
        sink.now = t;
        for (int i = 0; i < 5; i++) pacer.offer(packet(i, 225), t);
        assertEquals(0, sink.order.size(), "the cluster starts from an empty budget");
        tickUntil(pacer, sink, t + 5 * MS, t + 30 * MS);
        assertEquals(5, sink.order.size());
        long spread = sink.at.get(4) - sink.at.get(0);
        assertTrue(spread >= 10 * MS, "the cluster leaves over about its 15 ms: " + spread / MS + " ms");
        assertEquals(2.5 * 300_000 / 8, pacer.bytesPerSecond(), 1, "its end restores the estimate's pace");
    }

    @Test
    void aProbeClusterWhoseBytesNeverComeEndsOnItsOwn() {
        Sent sink = new Sent();
        Pacer pacer = new Pacer(sink);
        pacer.setEstimate(300_000, 0);
        long t = 1_000 * MS;
        pacer.probe(10_000, 100_000, t); // 800 ms worth at 12 500 bytes/s, and nothing sent
        assertEquals(12_500, pacer.bytesPerSecond());
        tickUntil(pacer, sink, t, t + 2_000 * MS);
        assertEquals(2.5 * 300_000 / 8, pacer.bytesPerSecond(), 1);
    }
}
