package se.vardmote.media.mixer;

/**
 * Converts 20 ms frames between 48 kHz (Opus, the room) and 8 kHz (G.711, the phone) by the factor 6 with
 * a linear-phase FIR low-pass, Kaiser-windowed sinc, {@value #TAPS} taps: pass band to about 3.4 kHz, at
 * least 60 dB down above 4 kHz, so that downsampling does not fold the browsers' 4–24 kHz into the phone
 * band and upsampling leaves no images of the phone band above 4 kHz. The down direction computes only
 * every 6th output; the up direction is polyphase (24 taps per output). Filter state carries over between
 * frames, so consecutive frames join without a seam.
 *
 * <p>One instance per direction per stream (it holds that stream's history). Allocates only in its
 * constructor. Not thread-safe: owned by the mixer's or the phone leg's event loop.
 */
public final class Resampler {

    public static final int FACTOR = 6;
    public static final int FRAME_8K = 160;
    public static final int FRAME_48K = FRAME_8K * FACTOR;
    static final int TAPS = 144;
    private static final int PHASE_TAPS = TAPS / FACTOR;
    /** Cut-off (−6 dB point) at 48 kHz; the transition band straddles it. */
    private static final double CUTOFF_HZ = 3_750;
    private static final double KAISER_BETA = 7.0;
    private static final float[] LOW_PASS = design();

    private final boolean down;
    /** Down: the last TAPS-1 input samples, then room for one frame. Up: the last PHASE_TAPS-1 samples, then a frame. */
    private final float[] history;
    /** Up only: the filter split into its FACTOR phases, taps reversed for a forward dot product. */
    private final float[][] phases;

    private Resampler(boolean down) {
        this.down = down;
        if (down) {
            history = new float[TAPS - 1 + FRAME_48K];
            phases = null;
        } else {
            history = new float[PHASE_TAPS - 1 + FRAME_8K];
            phases = new float[FACTOR][PHASE_TAPS];
            for (int p = 0; p < FACTOR; p++) {
                for (int j = 0; j < PHASE_TAPS; j++) {
                    // Zero-stuffing by 6 loses 6× of the level: the phases carry the gain back.
                    phases[p][PHASE_TAPS - 1 - j] = FACTOR * LOW_PASS[p + FACTOR * j];
                }
            }
        }
    }

    /** 48 kHz → 8 kHz. */
    public static Resampler down() {
        return new Resampler(true);
    }

    /** 8 kHz → 48 kHz. */
    public static Resampler up() {
        return new Resampler(false);
    }

    /**
     * Low-pass and keep every 6th sample: {@link #FRAME_48K} samples from {@code in} (ints: a mix may exceed
     * 16 bits) to {@link #FRAME_8K} in {@code out}, unclamped.
     */
    public void down(int[] in, int[] out) {
        if (!down) throw new IllegalStateException("an up resampler");
        float[] h = history;
        int keep = TAPS - 1;
        for (int i = 0; i < FRAME_48K; i++) h[keep + i] = in[i];
        float[] taps = LOW_PASS;
        for (int k = 0; k < FRAME_8K; k++) {
            // Output k is aligned with input 6k+5 (the newest of its six), history index keep + 6k + 5.
            int newest = keep + FACTOR * k + FACTOR - 1;
            float acc = 0;
            for (int j = 0; j < TAPS; j++) acc += taps[j] * h[newest - j];
            out[k] = Math.round(acc);
        }
        System.arraycopy(h, FRAME_48K, h, 0, keep);
    }

    /** Zero-stuff by 6 and low-pass: {@link #FRAME_8K} samples from {@code in} to {@link #FRAME_48K} in {@code out}, clamped to 16 bits. */
    public void up(short[] in, short[] out) {
        if (down) throw new IllegalStateException("a down resampler");
        float[] h = history;
        int keep = PHASE_TAPS - 1;
        for (int i = 0; i < FRAME_8K; i++) h[keep + i] = in[i];
        for (int i = 0; i < FRAME_8K; i++) {
            for (int p = 0; p < FACTOR; p++) {
                float[] taps = phases[p];
                float acc = 0;
                for (int j = 0; j < PHASE_TAPS; j++) acc += taps[j] * h[i + j];
                out[FACTOR * i + p] = clamp(Math.round(acc));
            }
        }
        System.arraycopy(h, FRAME_8K, h, 0, keep);
    }

    static short clamp(int v) {
        return (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(v, Short.MIN_VALUE));
    }

    private static float[] design() {
        float[] taps = new float[TAPS];
        double fc = CUTOFF_HZ / 48_000.0;
        double middle = (TAPS - 1) / 2.0;
        double sum = 0;
        double[] raw = new double[TAPS];
        for (int n = 0; n < TAPS; n++) {
            double x = n - middle;
            double sinc = 2 * fc * (x == 0 ? 1 : Math.sin(2 * Math.PI * fc * x) / (2 * Math.PI * fc * x));
            double r = x / middle;
            double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / besselI0(KAISER_BETA);
            raw[n] = sinc * window;
            sum += raw[n];
        }
        for (int n = 0; n < TAPS; n++) taps[n] = (float) (raw[n] / sum); // unity gain at DC
        return taps;
    }

    /** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 40; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
        }
        return sum;
    }
}
