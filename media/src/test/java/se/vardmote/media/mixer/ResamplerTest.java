package se.vardmote.media.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    /** Power of {@code freq} in {@code x} (Goertzel), normalised so a sine of amplitude A gives A²/4·n². */
    static double goertzel(short[] x, int from, int n, double freq, double rate) {
        double w = 2 * Math.PI * freq / rate;
        double c = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s = x[i] + c * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2;
    }

    static double rms(short[] x, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) sum += (double) x[i] * x[i];
        return Math.sqrt(sum / n);
    }

    @Test
    void aOneKilohertzToneKeepsItsFrequencyAndLevelThroughFortyEightToEightToFortyEight() {
        Resampler down = Resampler.down();
        Resampler up = Resampler.up();
        int frames = 25; // 500 ms
        short[] original = new short[frames * Resampler.FRAME_48K];
        short[] narrow = new short[frames * Resampler.FRAME_8K];
        short[] back = new short[frames * Resampler.FRAME_48K];
        int[] in = new int[Resampler.FRAME_48K];
        int[] out8 = new int[Resampler.FRAME_8K];
        short[] frame8 = new short[Resampler.FRAME_8K];
        short[] frame48 = new short[Resampler.FRAME_48K];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < Resampler.FRAME_48K; i++) {
                int n = f * Resampler.FRAME_48K + i;
                original[n] = (short) Math.round(10_000 * Math.sin(2 * Math.PI * 1000 * n / 48_000.0));
                in[i] = original[n];
            }
            down.down(in, out8);
            for (int i = 0; i < Resampler.FRAME_8K; i++) frame8[i] = Resampler.clamp(out8[i]);
            System.arraycopy(frame8, 0, narrow, f * Resampler.FRAME_8K, Resampler.FRAME_8K);
            up.up(frame8, frame48);
            System.arraycopy(frame48, 0, back, f * Resampler.FRAME_48K, Resampler.FRAME_48K);
        }
        // Skip the first 100 ms (filter warm-up), measure the rest.
        int from8 = 800;
        int n8 = narrow.length - from8;
        int from48 = 4800;
        int n48 = back.length - from48;
        double level8 = 20 * Math.log10(rms(narrow, from8, n8) / rms(original, from48, n48));
        double level48 = 20 * Math.log10(rms(back, from48, n48) / rms(original, from48, n48));
        assertEquals(0, level8, 0.5, "level at 8 kHz, dB");
        assertEquals(0, level48, 0.5, "level back at 48 kHz, dB");
        // The energy is at 1 kHz, not at its neighbours.
        double at1k = goertzel(back, from48, 4800, 1000, 48_000);
        assertTrue(at1k > 1000 * goertzel(back, from48, 4800, 1200, 48_000), "1 kHz dominates 1.2 kHz");
        assertTrue(at1k > 1000 * goertzel(back, from48, 4800, 800, 48_000), "1 kHz dominates 800 Hz");
        double at1k8 = goertzel(narrow, from8, 800, 1000, 8000);
        assertTrue(at1k8 > 1000 * goertzel(narrow, from8, 800, 1500, 8000), "1 kHz at 8 kHz");
    }

    @Test
    void downsamplingSuppressesWhatWouldFoldIntoThePhoneBand() {
        // 7 kHz at 48 kHz would alias to 1 kHz if samples were merely dropped.
        Resampler down = Resampler.down();
        int[] in = new int[Resampler.FRAME_48K];
        int[] out = new int[Resampler.FRAME_8K];
        short[] narrow = new short[10 * Resampler.FRAME_8K];
        for (int f = 0; f < 10; f++) {
            for (int i = 0; i < Resampler.FRAME_48K; i++) {
                int n = f * Resampler.FRAME_48K + i;
                in[i] = (int) Math.round(10_000 * Math.sin(2 * Math.PI * 7000 * n / 48_000.0));
            }
            down.down(in, out);
            for (int i = 0; i < Resampler.FRAME_8K; i++) narrow[f * Resampler.FRAME_8K + i] = Resampler.clamp(out[i]);
        }
        double level = 20 * Math.log10(Math.max(1e-9, rms(narrow, 400, 1200)) / (10_000 / Math.sqrt(2)));
        assertTrue(level < -50, "7 kHz leaks into the phone band at " + level + " dB");
    }
}
