package se.vardmote.media.phone;

/**
 * A recorded announcement or tone: 16-bit signed PCM, mono, 8 kHz. Immutable; shared between calls.
 */
public final class Prompt {
    private final short[] samples;

    private Prompt(short[] samples) {
        this.samples = samples;
    }

    /** Reads a RIFF/WAVE file of 16-bit mono PCM at 8 kHz (what the shipped prompts are). */
    public static Prompt fromWav(java.io.InputStream in) throws java.io.IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A soft tone: {@code frequencyHz} for {@code onMillis}, silence for {@code offMillis}. */
    public static Prompt tone(int frequencyHz, int onMillis, int offMillis, double amplitude) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Silence, so the far end hears no gap (never hang up on silence). */
    public static Prompt silence(int millis) {
        return new Prompt(new short[millis * 8]);
    }

    public int lengthMillis() {
        return samples.length / 8;
    }

    short[] samples() {
        return samples;
    }
}
