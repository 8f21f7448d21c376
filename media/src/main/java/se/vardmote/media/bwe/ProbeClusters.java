package se.vardmote.media.bwe;

/**
 * The probe clusters in flight and what their feedback shows (libwebrtc's ProbeBitrateEstimator): per cluster,
 * the first and last send and arrival times and the bytes acknowledged. Once at least 80 % of a cluster's
 * packets and bytes are acknowledged, its result is the lower of its send rate and its receive rate; a receive
 * rate under 90 % of the send rate means the probe found the link's capacity, and the result is then 95 % of
 * the receive rate so the estimate does not sit exactly at the edge. Send rate leaves out the last packet's
 * bytes and receive rate the first's, since the intervals do not include their transmission. A result never
 * exceeds the rate the cluster was planned at: a cluster that left faster than planned (a sender's burst)
 * shows only how much a bottleneck's bucket lets through at once, not what it carries.
 *
 * <p>Holds the last {@link #SLOTS} clusters by id; an id whose slot was reused is ignored. Preallocated;
 * owned by one estimator, not thread-safe.
 */
final class ProbeClusters {

    static final int SLOTS = 8;
    /** libwebrtc kMinReceivedProbesRatio and kMinReceivedBytesRatio. */
    private static final double MIN_RECEIVED_RATIO = 0.80;
    /** libwebrtc kMaxValidRatio: receiving faster than twice the send rate is a measurement error. */
    private static final double MAX_VALID_RATIO = 2.0;
    /** libwebrtc kMinRatioForUnsaturatedLink and kTargetUtilizationFraction. */
    private static final double UNSATURATED_RATIO = 0.9;
    private static final double TARGET_UTILIZATION = 0.95;
    /** libwebrtc kMaxProbeInterval: a cluster spread over more than a second measures nothing useful. */
    private static final long MAX_INTERVAL_NANOS = 1_000_000_000L;

    private final int[] id = new int[SLOTS];
    private final int[] minPackets = new int[SLOTS];
    private final int[] minBytes = new int[SLOTS];
    private final long[] target = new long[SLOTS];
    private final long[] firstSend = new long[SLOTS];
    private final long[] lastSend = new long[SLOTS];
    private final int[] lastSendSize = new int[SLOTS];
    private final long[] firstArrival = new long[SLOTS];
    private final int[] firstArrivalSize = new int[SLOTS];
    private final long[] lastArrival = new long[SLOTS];
    private final long[] bytes = new long[SLOTS];
    private final int[] packets = new int[SLOTS];
    private long result;

    ProbeClusters() {
        java.util.Arrays.fill(id, -1);
    }

    /** Starts tracking cluster {@code clusterId}, planned at {@code targetBps}, carrying at least these packets and bytes. */
    void start(int clusterId, long targetBps, int clusterMinPackets, int clusterMinBytes) {
        int s = clusterId & (SLOTS - 1);
        id[s] = clusterId;
        target[s] = targetBps;
        minPackets[s] = clusterMinPackets;
        minBytes[s] = clusterMinBytes;
        firstSend[s] = Long.MAX_VALUE;
        lastSend[s] = Long.MIN_VALUE;
        firstArrival[s] = Long.MAX_VALUE;
        lastArrival[s] = Long.MIN_VALUE;
        bytes[s] = 0;
        packets[s] = 0;
    }

    /** One acknowledged packet of cluster {@code clusterId}; may produce a result ({@link #takeResult}). */
    void onAcked(int clusterId, long sendNanos, long arrivalNanos, int size) {
        int s = clusterId & (SLOTS - 1);
        if (clusterId < 0 || id[s] != clusterId) {
            return;
        }
        if (sendNanos < firstSend[s]) {
            firstSend[s] = sendNanos;
        }
        if (sendNanos > lastSend[s]) {
            lastSend[s] = sendNanos;
            lastSendSize[s] = size;
        }
        if (arrivalNanos < firstArrival[s]) {
            firstArrival[s] = arrivalNanos;
            firstArrivalSize[s] = size;
        }
        if (arrivalNanos > lastArrival[s]) {
            lastArrival[s] = arrivalNanos;
        }
        bytes[s] += size;
        packets[s]++;
        if (packets[s] < minPackets[s] * MIN_RECEIVED_RATIO || bytes[s] < minBytes[s] * MIN_RECEIVED_RATIO) {
            return;
        }
        long sendInterval = lastSend[s] - firstSend[s];
        long receiveInterval = lastArrival[s] - firstArrival[s];
        if (sendInterval <= 0 || sendInterval > MAX_INTERVAL_NANOS
                || receiveInterval <= 0 || receiveInterval > MAX_INTERVAL_NANOS) {
            return;
        }
        double sendRate = (bytes[s] - lastSendSize[s]) * 8e9 / sendInterval;
        double receiveRate = (bytes[s] - firstArrivalSize[s]) * 8e9 / receiveInterval;
        if (sendRate <= 0 || receiveRate / sendRate > MAX_VALID_RATIO) {
            return;
        }
        double rate = Math.min(sendRate, receiveRate);
        if (receiveRate < UNSATURATED_RATIO * sendRate) {
            rate = TARGET_UTILIZATION * receiveRate;
        }
        result = (long) Math.min(rate, target[s]);
    }

    /** The latest result since the last call, in bits per second, or 0 when none; clears it. */
    long takeResult() {
        long r = result;
        result = 0;
        return r;
    }
}
