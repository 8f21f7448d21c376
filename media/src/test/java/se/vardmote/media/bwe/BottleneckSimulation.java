package se.vardmote.media.bwe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtcp.TransportFeedback;

/**
 * A deterministic discrete-event model of one subscriber's downlink, for the estimator's tests:
 * <ul>
 *   <li>a sender that paces 1200-byte media packets at min(estimate, demand) and, when the estimator asks,
 *       sends a probe cluster (every packet at the cluster's rate, marked with its id);</li>
 *   <li>a bottleneck: a FIFO queue draining at {@link #capacityBps} (drop-tail beyond {@link #queueLimitNanos}
 *       of queuing), then a fixed propagation delay, with optional random loss (seeded);</li>
 *   <li>a receiver that every 50 ms writes transport-cc feedback for what arrived (as Chromium does: from the
 *       first unreported sequence number to the highest received, losses as "not received"), with its own
 *       clock offset so reference times are arbitrary;</li>
 *   <li>a feedback path back with the same propagation delay that may lose, duplicate or delay (reorder)
 *       feedback; each feedback is written with {@link TransportCcFeedback#write} and parsed back with
 *       {@link TransportCcFeedback#parse} on delivery, as the server would.</li>
 * </ul>
 * Test code: allocates freely. All times are nanoseconds of simulated time.
 */
final class BottleneckSimulation {

    static final int PACKET_BYTES = 1200;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    private static final long FEEDBACK_INTERVAL = 50 * MS;
    private static final long PROBE_CHECK_INTERVAL = 5 * MS;
    private static final long TICK_NANOS = 250_000L;

    final DownlinkEstimator estimator;
    final Random random;
    // The link.
    long capacityBps = 2_500_000;
    long propagationNanos = 25 * MS;
    double lossRate;
    long queueLimitNanos = 1 * SECOND;
    // The sender.
    long demandBps = 5_000_000;
    /** Whether the sender tells the estimator its demand (caps probes at twice it). */
    boolean announceDemand = true;
    // The feedback path.
    double feedbackLoss;
    double feedbackDuplicate;
    double feedbackDelayed;
    long feedbackDelayNanos = 80 * MS;

    long now;
    private int nextSequence;
    private long nextMediaAt;
    private long nextProbeCheckAt;
    private long nextFeedbackAt;
    private long linkFreeAt;
    private long lastQueueDelay;
    // The probe being sent.
    private int probeCluster = -1;
    private long probeBytesLeft;
    private int probePacketsLeft;
    private long probeBps;
    private long nextProbeAt;
    // The receiver.
    private final long receiverClockOffset;
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {extended seq, arrival}, arrival order
    private final Map<Long, Long> arrived = new HashMap<>();
    private long receiverNext = -1;
    private long receiverHighest = -1;
    private long extendedSent;
    private int feedbackCount;
    private final PriorityQueue<long[]> feedbackDue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private final List<byte[]> feedbackBytes = new ArrayList<>();
    private final TransportCcFeedback.Parsed parsed = new TransportCcFeedback.Parsed(TransportCcFeedback.MAX_STATUSES);
    private final TransportFeedback view = new TransportFeedback();
    private final byte[] symbols = new byte[TransportCcFeedback.MAX_STATUSES];
    private final short[] deltas = new short[TransportCcFeedback.MAX_STATUSES];
    // What tests look at.
    long packetsSent;
    long packetsLost;
    long probesStarted;
    long maxQueueDelayNanos;
    long feedbacksDelivered;
    /** Called after each estimator call with the time; the allocation test wraps the calls through this. */
    EstimatorCalls calls = new EstimatorCalls();

    /** The estimator calls the simulation makes, overridable to measure around them. */
    static class EstimatorCalls {
        void onSent(DownlinkEstimator e, int seq, long at, int size, int cluster) {
            e.history().onSent(seq, at, size, cluster);
        }

        void onFeedback(DownlinkEstimator e, TransportCcFeedback.Parsed fb, long at) {
            e.onFeedback(fb, at);
        }

        int nextProbeCluster(DownlinkEstimator e, long at) {
            return e.nextProbeCluster(at);
        }

        long estimate(DownlinkEstimator e) {
            return e.estimateBitsPerSecond();
        }
    }

    BottleneckSimulation(DownlinkEstimator estimator, long seed, int firstSequence) {
        this.estimator = estimator;
        this.random = new Random(seed);
        this.nextSequence = firstSequence & 0xFFFF;
        this.extendedSent = firstSequence - 1L;
        this.receiverClockOffset = 1_000_000 * SECOND + random.nextInt(1_000_000) * MS;
        this.now = 10 * SECOND;
        this.nextMediaAt = now;
        this.nextProbeCheckAt = now;
        this.nextFeedbackAt = now + FEEDBACK_INTERVAL;
    }

    /** The queuing delay the last packet that entered the bottleneck met. */
    long queueDelayNanos() {
        return lastQueueDelay;
    }

    /** Runs until {@code untilNanos}, calling {@code sampler} every {@code sampleEvery} nanoseconds. */
    void runUntil(long untilNanos, long sampleEvery, Runnable sampler) {
        long nextSample = now;
        while (now < untilNanos) {
            long next = Math.min(Math.min(nextMediaAt, nextProbeCheckAt), nextFeedbackAt);
            if (probeCluster >= 0) {
                next = Math.min(next, nextProbeAt);
            }
            if (!feedbackDue.isEmpty()) {
                next = Math.min(next, feedbackDue.peek()[0]);
            }
            next = Math.min(next, nextSample);
            now = Math.max(now, next);
            if (now >= nextSample) {
                sampler.run();
                nextSample += sampleEvery;
            }
            while (!feedbackDue.isEmpty() && feedbackDue.peek()[0] <= now) {
                deliver((int) feedbackDue.poll()[1]);
            }
            if (now >= nextFeedbackAt) {
                writeFeedback();
                nextFeedbackAt += FEEDBACK_INTERVAL;
            }
            if (now >= nextProbeCheckAt) {
                nextProbeCheckAt += PROBE_CHECK_INTERVAL;
                if (announceDemand) {
                    estimator.probes().setDemandBitsPerSecond(demandBps);
                }
                if (probeCluster < 0) {
                    int cluster = calls.nextProbeCluster(estimator, now);
                    if (cluster >= 0) {
                        ProbeController p = estimator.probes();
                        probeCluster = cluster;
                        probeBps = p.clusterBitsPerSecond();
                        probeBytesLeft = p.clusterBytes();
                        probePacketsLeft = p.clusterPackets();
                        nextProbeAt = now;
                        probesStarted++;
                    }
                }
            }
            if (probeCluster >= 0 && now >= nextProbeAt) {
                send(PACKET_BYTES, probeCluster);
                probeBytesLeft -= PACKET_BYTES;
                probePacketsLeft--;
                nextProbeAt = now + PACKET_BYTES * 8L * SECOND / probeBps;
                if (probeBytesLeft <= 0 && probePacketsLeft <= 0) {
                    probeCluster = -1;
                    nextMediaAt = Math.max(nextMediaAt, nextProbeAt); // the probe carried the media meanwhile
                }
            } else if (probeCluster < 0 && now >= nextMediaAt) {
                long rate = Math.max(1, Math.min(calls.estimate(estimator), demandBps));
                send(PACKET_BYTES, -1);
                nextMediaAt = now + PACKET_BYTES * 8L * SECOND / rate;
            } else if (probeCluster >= 0 && now >= nextMediaAt) {
                nextMediaAt = nextProbeAt;
            }
        }
    }

    private void send(int size, int cluster) {
        int seq = nextSequence;
        nextSequence = (nextSequence + 1) & 0xFFFF;
        extendedSent++;
        packetsSent++;
        calls.onSent(estimator, seq, now, size, cluster);
        if (lossRate > 0 && random.nextDouble() < lossRate) {
            packetsLost++;
            return;
        }
        long start = Math.max(now, linkFreeAt);
        lastQueueDelay = start - now;
        maxQueueDelayNanos = Math.max(maxQueueDelayNanos, lastQueueDelay);
        if (start - now > queueLimitNanos) {
            packetsLost++; // drop-tail
            return;
        }
        linkFreeAt = start + size * 8L * SECOND / capacityBps;
        inFlight.add(new long[] {extendedSent, linkFreeAt + propagationNanos});
    }

    /** The receiver's feedback for everything that has arrived by now (several packets if it is long). */
    private void writeFeedback() {
        while (!inFlight.isEmpty() && inFlight.peek()[1] <= now) {
            long[] p = inFlight.poll();
            arrived.put(p[0], p[1] + receiverClockOffset);
            if (receiverNext < 0) {
                receiverNext = p[0];
            }
            receiverHighest = Math.max(receiverHighest, p[0]);
        }
        while (receiverNext >= 0 && receiverNext <= receiverHighest) {
            long first = receiverNext;
            while (!arrived.containsKey(first)) {
                first++;
            }
            long referenceTicks = Math.floorDiv(arrived.get(first) / TICK_NANOS, 256);
            long previous = referenceTicks * 256;
            int count = 0;
            int deltaCount = 0;
            long seq = receiverNext;
            while (seq <= receiverHighest && count < TransportCcFeedback.MAX_STATUSES) {
                Long at = arrived.get(seq);
                if (at == null) {
                    symbols[count++] = TransportCcFeedback.NOT_RECEIVED;
                } else {
                    long ticks = at / TICK_NANOS;
                    int symbol = TransportCcFeedback.symbolFor(ticks - previous);
                    if (symbol < 0) {
                        break;
                    }
                    symbols[count++] = (byte) symbol;
                    deltas[deltaCount++] = (short) (ticks - previous);
                    previous = ticks;
                }
                seq++;
            }
            ByteBuf out = Unpooled.buffer(TransportCcFeedback.maxLength(TransportCcFeedback.MAX_STATUSES));
            TransportCcFeedback.write(out, 1, 2, (int) (receiverNext & 0xFFFF), (int) (referenceTicks & 0xFFFFFF),
                    feedbackCount++ & 0xFF, symbols, count, deltas);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            for (long s = receiverNext; s < receiverNext + count; s++) {
                arrived.remove(s);
            }
            receiverNext += count;
            sendBack(bytes);
        }
    }

    private void sendBack(byte[] bytes) {
        if (feedbackLoss > 0 && random.nextDouble() < feedbackLoss) {
            return;
        }
        int copies = feedbackDuplicate > 0 && random.nextDouble() < feedbackDuplicate ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            long due = now + propagationNanos;
            if (feedbackDelayed > 0 && random.nextDouble() < feedbackDelayed) {
                due += feedbackDelayNanos; // arrives after later feedback
            }
            feedbackBytes.add(bytes);
            feedbackDue.add(new long[] {due, feedbackBytes.size() - 1});
        }
    }

    private void deliver(int index) {
        byte[] bytes = feedbackBytes.get(index);
        RtcpCompound compound = new RtcpCompound().reset(Unpooled.wrappedBuffer(bytes));
        if (!compound.next() || !view.wrap(compound) || !TransportCcFeedback.parse(view, parsed)) {
            throw new AssertionError("the simulated receiver wrote feedback its parser refuses");
        }
        feedbacksDelivered++;
        calls.onFeedback(estimator, parsed, now);
    }
}
