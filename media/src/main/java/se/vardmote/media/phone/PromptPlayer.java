package se.vardmote.media.phone;

import java.util.ArrayDeque;

/**
 * The queue of prompts a phone leg plays to the caller, and where the first one is: each taken 20 ms at a time,
 * once or looped. Owned by the leg's event loop; not thread-safe.
 */
final class PromptPlayer {

    private record Playing(Prompt prompt, boolean loop) {
    }

    private final ArrayDeque<Playing> queue = new ArrayDeque<>();
    private int position;

    /** Plays {@code prompt} after whatever is queued, once or (when {@code loop}) until {@link #clear}. */
    void add(Prompt prompt, boolean loop) {
        queue.addLast(new Playing(prompt, loop));
    }

    /** Stops and forgets what is queued. */
    void clear() {
        queue.clear();
        position = 0;
    }

    /**
     * Takes up to {@code out.length} samples of the queued prompts into {@code out}: copied, or added to what
     * is there (saturating) when {@code over}. Returns how many samples it wrote.
     */
    int take(short[] out, boolean over) {
        int filled = 0;
        while (filled < out.length && !queue.isEmpty()) {
            Playing playing = queue.peekFirst();
            short[] samples = playing.prompt().samples();
            int n = Math.max(0, Math.min(out.length - filled, samples.length - position));
            if (over) {
                for (int i = 0; i < n; i++) {
                    int sum = out[filled + i] + samples[position + i];
                    out[filled + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
                }
            } else {
                System.arraycopy(samples, position, out, filled, n);
            }
            filled += n;
            position += n;
            if (position >= samples.length) {
                position = 0;
                if (!playing.loop() || samples.length == 0) queue.pollFirst();
            }
        }
        return filled;
    }
}
