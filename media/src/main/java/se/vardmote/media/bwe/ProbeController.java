package se.vardmote.media.bwe;

/**
 * Decides when to probe and at what rate (libwebrtc's ProbeController, simplified). An estimate only rises as
 * fast as the sender fills it, and a video sender rarely sends more than it is allowed, so GCC sends short
 * bursts (media and padding together) at a higher rate and measures what gets through:
 * <ul>
 *   <li>at the start, two clusters at 3× and 6× the start estimate (libwebrtc kFirstExponentialProbeScale,
 *       kSecondExponentialProbeScale);</li>
 *   <li>while a result reaches 70 % of its target (libwebrtc kRepeatedProbeMinPercentage), another at 2× that
 *       result, within 1 s of the last (kMaxWaitingTimeForProbingResult);</li>
 *   <li>afterwards, when the estimate has not fallen for {@link #PERIODIC_INTERVAL_NANOS} and is below both
 *       the maximum and the sender's demand, one at 2× the estimate, at most every 5 s. Deviation: libwebrtc
 *       probes periodically only in application-limited periods (ALR); here "not fallen for 5 s" stands in,
 *       since a falling estimate means the link is full.</li>
 * </ul>
 * A cluster lasts at least 15 ms and 5 packets (libwebrtc's min probe duration and kMinProbePacketsSent).
 *
 * <p>Owned by one estimator; not thread-safe. Nothing is allocated per call.
 */
public final class ProbeController {

    static final double FIRST_SCALE = 3.0;
    static final double SECOND_SCALE = 6.0;
    static final double FURTHER_SCALE = 2.0;
    private static final double REPEAT_MIN_FRACTION = 0.7;
    private static final long WAIT_FOR_RESULT_NANOS = 1_000_000_000L;
    static final long PERIODIC_INTERVAL_NANOS = 5_000_000_000L;
    static final long MIN_DURATION_NANOS = 15_000_000L;
    static final int MIN_PACKETS = 5;
    /** A falling estimate counts as a fall for stability only when it loses more than this. */
    private static final double FALL_FRACTION = 0.95;

    private final long startBps;
    private final long maxBps;
    private final ProbeClusters clusters;
    private final long[] pending = new long[2];
    private int pendingCount;
    private boolean started;
    private boolean waitingForResult;
    private long lastProbeNanos;
    private long lastProbeTarget;
    private long lastFallNanos;
    private long lastEstimate;
    private long demandBps = Long.MAX_VALUE;
    private int nextId;

    // The cluster last handed out.
    private long clusterBps;
    private int clusterBytes;
    private int clusterPackets;

    ProbeController(long startBps, long maxBps, ProbeClusters clusters) {
        this.startBps = startBps;
        this.maxBps = maxBps;
        this.clusters = clusters;
        this.lastEstimate = startBps;
    }

    /**
     * The most the sender wants to send (all it would forward with no limit). Probes stay at or below 2× it
     * (libwebrtc likewise caps probes by the allocated bitrate), so an unconstrained link does not carry the
     * estimate far above anything the sender would use.
     */
    public void setDemandBitsPerSecond(long bps) {
        demandBps = Math.max(0, bps);
    }

    /**
     * The id of a probe cluster to send now, or -1. The sender sends {@link #clusterBytes()} bytes in at least
     * {@link #clusterPackets()} packets at {@link #clusterBitsPerSecond()} (media first, padding for the rest),
     * each recorded with {@link SendHistory#onSent} under this id.
     */
    int next(long nowNanos, long estimateBps) {
        if (!started) {
            started = true;
            lastFallNanos = nowNanos;
            queue(startBps * FIRST_SCALE);
            queue(startBps * SECOND_SCALE);
            waitingForResult = true;
        }
        if (waitingForResult && pendingCount == 0 && nowNanos - lastProbeNanos > WAIT_FOR_RESULT_NANOS) {
            waitingForResult = false;
        }
        if (pendingCount == 0 && !waitingForResult
                && nowNanos - lastProbeNanos >= PERIODIC_INTERVAL_NANOS
                && nowNanos - lastFallNanos >= PERIODIC_INTERVAL_NANOS
                && estimateBps < maxBps && estimateBps < demandBps) {
            queue(FURTHER_SCALE * estimateBps);
        }
        if (pendingCount == 0) {
            return -1;
        }
        long rate = pending[0];
        pending[0] = pending[1];
        pendingCount--;
        int clusterId = nextId;
        nextId = (nextId + 1) & 0x7FFFFFFF;
        clusterBps = rate;
        clusterBytes = (int) Math.max(1, rate * MIN_DURATION_NANOS / 8_000_000_000L);
        clusterPackets = MIN_PACKETS;
        clusters.start(clusterId, rate, clusterPackets, clusterBytes);
        lastProbeNanos = nowNanos;
        lastProbeTarget = rate;
        return clusterId;
    }

    public long clusterBitsPerSecond() {
        return clusterBps;
    }

    public int clusterBytes() {
        return clusterBytes;
    }

    public int clusterPackets() {
        return clusterPackets;
    }

    /** A probe measured {@code resultBps}: probe further while results keep up with their targets. */
    void onResult(long resultBps, long nowNanos) {
        // A probe capped at the maximum (or twice the demand) ends the series (libwebrtc: probe_further = false).
        if (waitingForResult && resultBps > REPEAT_MIN_FRACTION * lastProbeTarget && lastProbeTarget < cap()
                && pendingCount == 0) {
            queue(FURTHER_SCALE * resultBps);
        }
    }

    /** The estimate after a feedback; a fall restarts the wait before a periodic probe. */
    void onEstimate(long estimateBps, long nowNanos) {
        if (estimateBps < FALL_FRACTION * lastEstimate) {
            lastFallNanos = nowNanos;
        }
        lastEstimate = estimateBps;
    }

    /** The highest rate worth probing for: the maximum, or twice the demand when that is lower. */
    private long cap() {
        return demandBps >= maxBps / FURTHER_SCALE ? maxBps : (long) (FURTHER_SCALE * demandBps);
    }

    private void queue(double bps) {
        long rate = (long) Math.min(bps, cap());
        if (pendingCount < pending.length && rate > 0) {
            pending[pendingCount++] = rate;
            waitingForResult = true;
        }
    }
}
