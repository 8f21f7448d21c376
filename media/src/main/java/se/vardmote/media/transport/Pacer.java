package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;

/**
 * Spreads the video one transport sends over time at a multiple of its receiver's downlink estimate, so a
 * keyframe (tens of packets forwarded in one read burst) reaches a narrow link as a stream rather than a
 * wall, and audio never waits behind it.
 *
 * <p>A byte budget refills at the pacing rate, holding at most {@link #MAX_BUDGET_NANOS} of it (so an idle
 * moment does not save up a burst); audio and RTCP are sent at once and spend budget, video waits in a FIFO
 * while the budget is spent or anything is already waiting. A packet that has waited {@link #MAX_WAIT_NANOS}
 * is sent regardless: the estimate may lag what the link carries, and a queue in the server is delay the
 * receiver's estimator would read as congestion, so the pacer smooths bursts and never holds a backlog.
 * Retransmissions are video and keep their place in the FIFO.
 *
 * <p>The rate is {@link #PACING_FACTOR} times the estimate, as in libwebrtc's pacer, and never less than
 * {@link #AVERAGE_FACTOR} times what the transport sent on average over the last {@link #AVERAGE_NANOS}: the
 * estimate is the receiver's REMB, which stays near what it already receives, lags every step up and falls
 * when the receiving browser stalls; pacing below the average would hold the subscriber at its own lagging
 * estimate (a CI run's clinician, its browser starved of CPU, stayed on everyone's lowest layer so). The pacer
 * only spreads bursts; the average is the REMB cap's and the layer choice's to keep. No estimate, no pacing.
 *
 * <p>A probe cluster ({@link #probe}) sets the pace to its own rate, from an empty budget, until its bytes
 * have left: a cluster measures what gets through only when it is sent at its rate over its duration, and one
 * released in a single burst passes a narrow link's token bucket at line rate and reads as any rate at all.
 *
 * <p>Owned by the transport's event loop; preallocated ring, no allocation per packet.
 */
final class Pacer {

    /** Where the pacer's packets go when their time comes; takes ownership of the buffer. */
    interface Sink {
        /** A plaintext packet: it is numbered for transport-cc and protected as it leaves. */
        void sendPaced(ByteBuf packet);

        /** {@link WorkerCounter#OUT_PACED}, {@link WorkerCounter#OUT_PACED_OVERDUE} or {@link WorkerCounter#OUT_PACED_OVERFLOW}. */
        void count(WorkerCounter counter);
    }

    static final double PACING_FACTOR = 2.5;
    /** The budget never holds more than this long's worth of the rate, and at least two full packets. */
    static final long MAX_BUDGET_NANOS = 10_000_000L;
    static final int MIN_BUDGET_BYTES = 2 * 1200;
    /** The pace never falls below this times the average sent over the last {@link #AVERAGE_NANOS}. */
    static final double AVERAGE_FACTOR = 1.5;
    static final long AVERAGE_NANOS = 1_000_000_000L;
    /** No packet waits longer than this. */
    static final long MAX_WAIT_NANOS = 100_000_000L;
    /** Packets held at once; one more is sent unpaced. A keyframe of a 1080p picture is about 100. */
    static final int CAPACITY = 256;
    /** A probe cluster lasts at most twice its planned duration and this long. */
    static final long PROBE_GRACE_NANOS = 20_000_000L;

    private final Sink sink;
    private final ByteBuf[] queue = new ByteBuf[CAPACITY];
    private final long[] queuedAt = new long[CAPACITY];
    private int head;
    private int size;

    private long estimateBytesPerSecond; // 0: not pacing
    private long probeBytesPerSecond;
    private long probeBytesLeft; // > 0 while a probe cluster sets the pace
    private long probeEndsNanos; // a cluster whose bytes never all come ends here regardless
    private long bytesPerSecond; // the pace: from the estimate, at least the average's share
    private long windowStart;
    private long windowBytes;
    private long averageBytesPerSecond; // over the last window
    private double budget;
    private long refilledAt;
    private boolean scheduled;

    Pacer(Sink sink) {
        this.sink = sink;
    }

    /** The receiver's downlink estimate in bits per second; 0 or less stops pacing (what waits goes next tick). */
    void setEstimate(long bitsPerSecond, long nowNanos) {
        refill(nowNanos);
        estimateBytesPerSecond = bitsPerSecond <= 0 ? 0 : (long) (bitsPerSecond * PACING_FACTOR / 8);
        pace();
    }

    private void pace() {
        if (probeBytesLeft > 0) {
            bytesPerSecond = probeBytesPerSecond;
            return;
        }
        bytesPerSecond = estimateBytesPerSecond == 0 ? 0
                : Math.max(estimateBytesPerSecond, (long) (AVERAGE_FACTOR * averageBytesPerSecond));
    }

    /**
     * A probe cluster starts: the next {@code bytes} leave at {@code bitsPerSecond}, from an empty budget, so
     * they spread over the cluster's duration (the pacing tick sends them in a few groups).
     */
    void probe(int bytes, long bitsPerSecond, long nowNanos) {
        if (bytes <= 0 || bitsPerSecond <= 0) return;
        refill(nowNanos);
        probeBytesLeft = bytes;
        probeBytesPerSecond = Math.max(1, bitsPerSecond / 8);
        probeEndsNanos = nowNanos + 2 * (long) (bytes * 1e9 / probeBytesPerSecond) + PROBE_GRACE_NANOS;
        budget = Math.min(budget, 0);
        pace();
    }

    /** Counts a packet leaving against the open probe cluster; the cluster's end restores the pace. */
    private void probed(int bytes) {
        if (probeBytesLeft <= 0) return;
        probeBytesLeft -= bytes;
        if (probeBytesLeft <= 0) pace();
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Video: true when {@code packet} was sent now or taken into the queue (ownership passes either way);
     * false when the queue is full and the caller must send it itself.
     */
    boolean offer(ByteBuf packet, long nowNanos) {
        average(packet.readableBytes(), nowNanos);
        if (bytesPerSecond == 0 && size == 0) {
            sink.sendPaced(packet);
            return true;
        }
        refill(nowNanos);
        if (size == 0 && budget > 0) {
            budget -= packet.readableBytes();
            probed(packet.readableBytes());
            sink.sendPaced(packet);
            return true;
        }
        if (size == CAPACITY) {
            sink.count(WorkerCounter.OUT_PACED_OVERFLOW);
            budget -= packet.readableBytes();
            return false;
        }
        int tail = (head + size) % CAPACITY;
        queue[tail] = packet;
        queuedAt[tail] = nowNanos;
        size++;
        sink.count(WorkerCounter.OUT_PACED);
        return true;
    }

    /** Audio or RTCP sent past the queue: it spends budget, so the video after it waits for it. */
    void bypassed(int bytes, long nowNanos) {
        if (bytesPerSecond == 0) return;
        average(bytes, nowNanos);
        refill(nowNanos);
        budget -= bytes;
    }

    /** Sends what the budget allows and what has waited too long. Returns whether anything still waits. */
    boolean drain(long nowNanos) {
        refill(nowNanos);
        while (size > 0) {
            boolean late = nowNanos - queuedAt[head] >= MAX_WAIT_NANOS;
            if (!(budget > 0 || late || bytesPerSecond == 0)) break;
            ByteBuf packet = queue[head];
            queue[head] = null;
            head = (head + 1) % CAPACITY;
            size--;
            // A packet sent late is not charged: the debt would hold back the ones after it longer still.
            if (late) sink.count(WorkerCounter.OUT_PACED_OVERDUE);
            else budget -= packet.readableBytes();
            probed(packet.readableBytes());
            sink.sendPaced(packet);
        }
        return size > 0;
    }

    /** Releases everything waiting (the transport closed); returns how many. */
    int discard() {
        int n = size;
        while (size > 0) {
            queue[head].release();
            queue[head] = null;
            head = (head + 1) % CAPACITY;
            size--;
        }
        return n;
    }

    int queued() {
        return size;
    }

    /** Whether the worker's pacing timer already holds this pacer; set and cleared by the timer. */
    boolean scheduled() {
        return scheduled;
    }

    void scheduled(boolean value) {
        scheduled = value;
    }

    /** Counts what is sent and, once a window ends, sets the pace from the estimate and the window's average. */
    private void average(int bytes, long nowNanos) {
        windowBytes += bytes;
        long elapsed = nowNanos - windowStart;
        if (elapsed < AVERAGE_NANOS) return;
        averageBytesPerSecond = (long) (windowBytes * 1e9 / elapsed);
        windowStart = nowNanos;
        windowBytes = 0;
        refill(nowNanos);
        pace();
    }

    private void refill(long nowNanos) {
        if (probeBytesLeft > 0 && nowNanos - probeEndsNanos >= 0) {
            probeBytesLeft = 0;
            pace();
        }
        long elapsed = nowNanos - refilledAt;
        refilledAt = nowNanos;
        if (bytesPerSecond == 0 || elapsed <= 0) return;
        double max = Math.max(MIN_BUDGET_BYTES, bytesPerSecond * (MAX_BUDGET_NANOS / 1e9));
        budget = Math.min(max, budget + bytesPerSecond * (elapsed / 1e9));
    }
}
