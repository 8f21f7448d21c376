package se.vardmote.media.bwe;

import se.vardmote.media.rtcp.TransportCcFeedback;

/**
 * The send-side bandwidth estimate of one subscriber's downlink, in the manner of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02; libwebrtc's goog_cc), fed by the transport-cc feedback (RTCP RTPFB FMT 15) the
 * subscriber's browser sends about the packets recorded in {@link #history()}:
 * <ol>
 *   <li>feedback arrival times are rebuilt from the reference time and deltas, and matched to send records;</li>
 *   <li>a delay-based rate: {@link InterArrival} groups, {@link TrendlineFilter}, {@link OveruseDetector},
 *       {@link AimdRateControl} bounded by the {@link AckedBitrate};</li>
 *   <li>a loss-based rate ({@link LossBasedControl}), never above the delay-based one;</li>
 *   <li>probe results ({@link ProbeClusters}, planned by {@link ProbeController}) lift both when the delay
 *       detector is not over-using.</li>
 * </ol>
 * The estimate is the lower of the two rates, within [min, max].
 *
 * <p>Feedback may come late, twice, or not at all: a packet already reported received counts nothing again,
 * one reported lost and then received is taken off the loss count, sequence numbers with no send record (too
 * old, or never sent) are skipped and counted. Owned by the subscriber transport's event loop; not thread-safe.
 * Nothing is allocated after construction.
 */
public final class DownlinkEstimator {

    /** libwebrtc kStreamTimeOut: after 2 s without feedback the delay detector starts afresh. */
    private static final long FEEDBACK_GAP_RESET_NANOS = 2_000_000_000L;
    private static final long TICK_NANOS = TransportCcFeedback.DELTA_TICK_MICROS * 1_000L;
    private static final long REFERENCE_NANOS = TransportCcFeedback.REFERENCE_TIME_MICROS * 1_000L;
    /** RTT samples averaged (libwebrtc keeps the last 32 feedbacks' maxima and averages them). */
    private static final int RTT_SAMPLES = 32;

    private final long minBps;
    private final long maxBps;
    private final SendHistory history = new SendHistory();
    private final InterArrival interArrival = new InterArrival();
    private final TrendlineFilter trendline = new TrendlineFilter();
    private final OveruseDetector detector = new OveruseDetector();
    private final AckedBitrate acked = new AckedBitrate();
    private final AimdRateControl delayBased;
    private final LossBasedControl lossBased;
    private final ProbeClusters clusters = new ProbeClusters();
    private final ProbeController probes;
    private final long[] rttSamples = new long[RTT_SAMPLES];
    private int rttCount;
    private int rttNext;
    private long estimate;

    private boolean hasFeedback;
    private long lastFeedbackNanos;
    private int lastReference24;
    private long extendedReference;

    private long feedbacks;
    private long unknownPackets;
    private long duplicatePackets;
    private long probeResults;

    /** Starts at {@code startBps} and keeps the estimate within [{@code minBps}, {@code maxBps}]. */
    public DownlinkEstimator(long startBps, long minBps, long maxBps) {
        if (minBps <= 0 || maxBps < minBps) {
            throw new IllegalArgumentException("bitrate bounds " + minBps + ".." + maxBps);
        }
        long start = Math.max(minBps, Math.min(maxBps, startBps));
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.delayBased = new AimdRateControl(start, minBps, maxBps);
        this.lossBased = new LossBasedControl(start, minBps, maxBps);
        this.probes = new ProbeController(start, maxBps, clusters);
        this.estimate = start;
    }

    /** Where the sender records each packet it sends on this transport. */
    public SendHistory history() {
        return history;
    }

    /** Probing: what the cluster returned by {@link #nextProbeCluster} consists of, and the sender's demand. */
    public ProbeController probes() {
        return probes;
    }

    /**
     * The id of a probe cluster the sender should send now (see {@link ProbeController}), or -1. Call it from
     * the pacer's tick; each call may start one cluster.
     */
    public int nextProbeCluster(long nowNanos) {
        return probes.next(nowNanos, estimate);
    }

    public long estimateBitsPerSecond() {
        return estimate;
    }

    /** What the subscriber received over the last 500 ms of its arrival clock (0 until measured). */
    public long ackedBitsPerSecond() {
        return acked.bitsPerSecond();
    }

    /** The last loss fraction, measured over at least 20 packets and a second, 0..1. */
    public double lossFraction() {
        return lossBased.lossFraction();
    }

    /**
     * Whether 2 % or more (libwebrtc's low-loss threshold) of the last 20 or more packets reported on were lost:
     * below it loss is noise a link shows at any rate, not a sign that what is sent does not fit. Over 20 packets,
     * not the rate's second: a cap that waits a second for it lets a narrow link's queue overflow meanwhile.
     */
    public boolean losing() {
        return lossBased.recentLossFraction() >= LossBasedControl.LOW_LOSS;
    }

    public BandwidthUsage usage() {
        return detector.usage();
    }

    /** The mean of the recent RTTs measured from feedback (send to feedback received), or 0 before any. */
    public long rttNanos() {
        if (rttCount == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < rttCount; i++) {
            sum += rttSamples[i];
        }
        return sum / rttCount;
    }

    public long feedbacks() {
        return feedbacks;
    }

    /** Statuses for sequence numbers with no send record (never sent, or older than the history holds). */
    public long unknownPackets() {
        return unknownPackets;
    }

    /** Packets reported received more than once (duplicated or overlapping feedback). */
    public long duplicatePackets() {
        return duplicatePackets;
    }

    public long probeResults() {
        return probeResults;
    }

    /** Takes one parsed transport-cc feedback received at {@code nowNanos}. Borrows {@code fb}. */
    public void onFeedback(TransportCcFeedback.Parsed fb, long nowNanos) {
        if (fb.count <= 0 || fb.count > fb.symbols.length) {
            return;
        }
        feedbacks++;
        if (hasFeedback && nowNanos - lastFeedbackNanos > FEEDBACK_GAP_RESET_NANOS) {
            interArrival.reset();
            trendline.reset();
            detector.reset();
        }
        long arrival = unwrapReference(fb.referenceTime) * REFERENCE_NANOS;
        hasFeedback = true;
        lastFeedbackNanos = nowNanos;

        int lost = 0;
        int expected = 0;
        long newestSend = Long.MIN_VALUE;
        int delta = 0;
        long sequence = history.unwrap(fb.baseSequence);
        for (int i = 0; i < fb.count; i++, sequence++) {
            byte symbol = fb.symbols[i];
            boolean received = symbol != TransportCcFeedback.NOT_RECEIVED;
            if (received) {
                if (delta >= fb.deltaCount) {
                    break; // malformed: more received statuses than deltas
                }
                arrival += fb.deltas[delta++] * TICK_NANOS;
            }
            int slot = history.slot(sequence);
            if (slot < 0) {
                unknownPackets++;
                continue;
            }
            byte state = history.state(slot);
            if (!received) {
                if (state == SendHistory.SENT) {
                    history.setState(slot, SendHistory.REPORTED_LOST);
                    lost++;
                    expected++;
                }
                continue;
            }
            if (state == SendHistory.ACKED) {
                duplicatePackets++;
                continue;
            }
            if (state == SendHistory.REPORTED_LOST) {
                lost--; // it came after all: take it off the loss count (it was counted as expected already)
            } else {
                expected++;
            }
            history.setState(slot, SendHistory.ACKED);
            onReceived(slot, arrival, nowNanos);
            newestSend = Math.max(newestSend, history.sendNanos(slot));
        }
        if (newestSend != Long.MIN_VALUE) {
            addRtt(nowNanos - newestSend);
        }
        lossBased.onPackets(lost, expected, nowNanos);
        updateEstimate(nowNanos);
    }

    private void onReceived(int slot, long arrivalNanos, long nowNanos) {
        long send = history.sendNanos(slot);
        int size = history.size(slot);
        acked.onAcked(arrivalNanos, size);
        int cluster = history.cluster(slot);
        if (cluster != SendHistory.NOT_A_PROBE) {
            clusters.onAcked(cluster, send, arrivalNanos, size);
        }
        if (interArrival.add(send, arrivalNanos, nowNanos)) {
            double sendDeltaMs = interArrival.sendDeltaNanos / 1e6;
            double arrivalMs = arrivalNanos / 1e6;
            double trend = trendline.update(interArrival.arrivalDeltaNanos / 1e6, sendDeltaMs, arrivalMs);
            detector.detect(trend, trendline.deltas(), sendDeltaMs, arrivalMs);
        }
    }

    private void updateEstimate(long nowNanos) {
        long rtt = rttNanos();
        if (rtt > 0) {
            delayBased.setRttNanos(rtt);
        }
        long ackedBps = acked.bitsPerSecond();
        long probe = clusters.takeResult();
        BandwidthUsage usage = detector.usage();
        if (probe > 0) {
            probeResults++;
            probes.onResult(probe, nowNanos);
        }
        if (usage == BandwidthUsage.OVERUSING) {
            if (ackedBps > 0 && delayBased.timeToReduceFurther(nowNanos, ackedBps)) {
                delayBased.update(usage, ackedBps, nowNanos);
            }
        } else if (probe > delayBased.bitsPerSecond()) {
            // Deviation: libwebrtc sets the estimate to any probe result; we only let a probe lift it.
            delayBased.setEstimate(probe, nowNanos);
            lossBased.setEstimate(probe);
        } else {
            delayBased.update(usage, ackedBps, nowNanos);
        }
        lossBased.update(nowNanos, delayBased.bitsPerSecond(), rtt > 0 ? rtt : 200_000_000L);
        estimate = Math.max(minBps, Math.min(maxBps, Math.min(lossBased.bitsPerSecond(), delayBased.bitsPerSecond())));
        probes.onEstimate(estimate, nowNanos);
    }

    /** Extends the 24-bit reference time (64 ms units) by the signed difference from the last one seen. */
    private long unwrapReference(int referenceTime) {
        int reference24 = referenceTime & 0xFFFFFF;
        if (!hasFeedback) {
            extendedReference = reference24;
        } else {
            extendedReference += ((reference24 - lastReference24) << 8) >> 8;
        }
        lastReference24 = reference24;
        return extendedReference;
    }

    private void addRtt(long rtt) {
        if (rtt <= 0) {
            return;
        }
        rttSamples[rttNext] = rtt;
        rttNext = (rttNext + 1) % RTT_SAMPLES;
        if (rttCount < RTT_SAMPLES) {
            rttCount++;
        }
    }
}
