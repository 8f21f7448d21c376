package se.vardmote.media.bwe;

/**
 * The rate at which the subscriber received what we sent, measured on its own arrival clock over the last
 * {@link #WINDOW_NANOS}: bytes acknowledged by transport-cc feedback, summed in {@link #BUCKET_NANOS} buckets.
 * Under over-use this is the bottleneck's capacity (its queue drains at that rate), which is what the
 * rate control decreases to; otherwise it bounds how far above real throughput the estimate may climb.
 *
 * <p>Deviation: libwebrtc smooths this with a Bayesian per-window estimator (500 ms, then 150 ms windows); a
 * plain 500 ms sliding sum is simpler and, in the simulated tests, fast enough. Preallocated; not thread-safe.
 */
final class AckedBitrate {

    static final long BUCKET_NANOS = 25_000_000L;
    static final int WINDOW_BUCKETS = 10;
    static final long WINDOW_NANOS = BUCKET_NANOS * WINDOW_BUCKETS;
    /** A rate over less than this span is too noisy to act on. */
    private static final long MIN_SPAN_NANOS = 150_000_000L;
    private static final int RING = 32;

    private final long[] bucketIndex = new long[RING];
    private final long[] bucketBytes = new long[RING];
    private boolean started;
    private long firstArrival;
    private long newestArrival;
    private long newestBucket;

    void reset() {
        started = false;
        java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
        java.util.Arrays.fill(bucketBytes, 0);
    }

    AckedBitrate() {
        reset();
    }

    /** One packet of {@code bytes} received at {@code arrivalNanos} (receiver clock). */
    void onAcked(long arrivalNanos, int bytes) {
        long bucket = Math.floorDiv(arrivalNanos, BUCKET_NANOS);
        if (!started) {
            started = true;
            firstArrival = arrivalNanos;
            newestArrival = arrivalNanos;
            newestBucket = bucket;
        } else if (bucket > newestBucket + RING || bucket < newestBucket - RING) {
            // Far from what we hold (a long silence or a jump in the receiver's clock): start over.
            reset();
            started = true;
            firstArrival = arrivalNanos;
            newestArrival = arrivalNanos;
            newestBucket = bucket;
        }
        if (bucket <= newestBucket - WINDOW_BUCKETS) {
            return; // too old to count
        }
        int slot = (int) Math.floorMod(bucket, (long) RING);
        if (bucketIndex[slot] != bucket) {
            bucketIndex[slot] = bucket;
            bucketBytes[slot] = 0;
        }
        bucketBytes[slot] += bytes;
        if (bucket > newestBucket) {
            newestBucket = bucket;
        }
        if (arrivalNanos > newestArrival) {
            newestArrival = arrivalNanos;
        }
        if (arrivalNanos < firstArrival) {
            firstArrival = arrivalNanos;
        }
    }

    /** Bits per second over the window ending at the newest arrival, or 0 while less than 150 ms is covered. */
    long bitsPerSecond() {
        if (!started) {
            return 0;
        }
        long oldestBucket = newestBucket - WINDOW_BUCKETS + 1;
        long windowStart = Math.max(firstArrival, oldestBucket * BUCKET_NANOS);
        long span = newestArrival - windowStart;
        if (span < MIN_SPAN_NANOS) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < RING; i++) {
            if (bucketIndex[i] >= oldestBucket && bucketIndex[i] <= newestBucket) {
                bytes += bucketBytes[i];
            }
        }
        return bytes * 8 * 1_000_000_000L / span;
    }
}
