package se.vardmote.media.mixer;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands 20 ms PCM frames from one event loop to another without allocating: a ring of pre-allocated frames,
 * each with its own pre-built task. {@link #offer} copies into the next free frame and executes that frame's
 * task on the target loop (one task per frame, nothing per sample); the task passes the frame to the
 * consumer and frees it. When every frame is still in flight (the target loop stalled) the frame is dropped
 * and counted rather than queued without bound.
 *
 * <p>{@link #offer} is called from one producer thread at a time; the consumer runs on the target executor.
 */
public final class FrameHandoff {

    /** Receives frames on the target loop. Borrows the array for the call only. */
    @FunctionalInterface
    public interface Consumer {
        void onFrame(short[] frame);
    }

    private static final int SLOTS = 4;

    private final Executor target;
    private final short[][] frames;
    private final AtomicBoolean[] busy = new AtomicBoolean[SLOTS];
    private final Runnable[] tasks = new Runnable[SLOTS];
    private final AtomicLong dropped = new AtomicLong();
    private int next;

    public FrameHandoff(Executor target, int frameLength, Consumer consumer) {
        this.target = target;
        this.frames = new short[SLOTS][frameLength];
        for (int i = 0; i < SLOTS; i++) {
            AtomicBoolean inFlight = new AtomicBoolean();
            short[] frame = frames[i];
            busy[i] = inFlight;
            tasks[i] = () -> {
                try {
                    consumer.onFrame(frame);
                } finally {
                    inFlight.set(false);
                }
            };
        }
    }

    /** Copies {@code frame} and schedules it for the consumer; false (counted) when no slot was free. */
    public boolean offer(short[] frame) {
        int i = next;
        if (!busy[i].compareAndSet(false, true)) {
            dropped.incrementAndGet();
            return false;
        }
        System.arraycopy(frame, 0, frames[i], 0, frames[i].length);
        next = (i + 1) % SLOTS;
        try {
            target.execute(tasks[i]);
            return true;
        } catch (RejectedExecutionException e) { // the target loop is shutting down
            busy[i].set(false);
            dropped.incrementAndGet();
            return false;
        }
    }

    /** Frames dropped because the consumer fell behind. Any thread. */
    public long dropped() {
        return dropped.get();
    }
}
