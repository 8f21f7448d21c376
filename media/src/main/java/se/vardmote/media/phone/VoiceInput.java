package se.vardmote.media.phone;

import java.util.Arrays;
import se.vardmote.media.mixer.Resampler;

/**
 * The caller's decoded voice (8 kHz) waiting to go into the room's mix, one 20 ms frame per tick: a ring of
 * {@link #CAPACITY} samples whose oldest go when the far end bursts, and which gives out sound only once
 * {@link #PRIME} samples are buffered, so the gateway's jitter is absorbed. Owned by the leg's event loop;
 * not thread-safe; allocates nothing.
 */
final class VoiceInput {

    private static final int FRAME = Resampler.FRAME_8K;
    /** Received voice kept for the mix: 120 ms; more means the far end bursts, and the oldest goes. */
    static final int CAPACITY = 6 * FRAME;
    /** The caller's voice starts flowing into the room once 40 ms are buffered (absorbs the gateway's jitter). */
    static final int PRIME = 2 * FRAME;

    private final short[] samples = new short[CAPACITY];
    private int head;
    private int count;
    private boolean primed;

    /** Adds {@code n} samples of {@code from}; returns how many whole frames of the oldest were dropped. */
    int push(short[] from, int n) {
        int overflows = 0;
        for (int i = 0; i < n; i++) {
            if (count == CAPACITY) {
                head = (head + 1) % CAPACITY;
                count--;
                if (head % FRAME == 0) overflows++;
            }
            samples[(head + count) % CAPACITY] = from[i];
            count++;
        }
        return overflows;
    }

    /** The next 20 ms into {@code frame}: silence until {@link #PRIME} samples are buffered, and after an underrun. */
    void take(short[] frame) {
        if (!primed && count >= PRIME) primed = true;
        if (!primed || count < FRAME) {
            primed = false;
            Arrays.fill(frame, (short) 0);
            return;
        }
        for (int i = 0; i < FRAME; i++) {
            frame[i] = samples[head];
            head = (head + 1) % CAPACITY;
        }
        count -= FRAME;
    }

    /** Forgets what is buffered (joined a room, muted or unmuted). */
    void clear() {
        count = 0;
        primed = false;
    }
}
