package se.vardmote.media.phone;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A recorded announcement or tone: 16-bit signed PCM, mono, 8 kHz. Immutable; shared between calls.
 */
public final class Prompt {

    /** Samples per second of every prompt (the phone network's rate). */
    public static final int SAMPLE_RATE = 8000;
    /** Longest prompt accepted from a file: 5 minutes. */
    public static final int MAX_SAMPLES = 5 * 60 * SAMPLE_RATE;
    /** At most this many RIFF chunks are skipped looking for "fmt " and "data" (LIST, fact, ...). */
    private static final int MAX_CHUNKS = 32;
    /** A chunk other than "data" larger than this is not in a prompt file. */
    private static final int MAX_OTHER_CHUNK = 1 << 16;
    /** RIFF declares lengths that streaming writers (espeak-ng to a pipe) leave as "unknown". */
    private static final long UNKNOWN_LENGTH_1 = 0xFFFFFFFFL;
    private static final long UNKNOWN_LENGTH_2 = 0x7FFFFFFFL;

    private final short[] samples;

    private Prompt(short[] samples) {
        this.samples = samples;
    }

    /**
     * Reads a RIFF/WAVE file of 16-bit mono PCM at 8 kHz (what the shipped prompts are). Anything else
     * (another rate, stereo, 8-bit, compressed, longer than {@link #MAX_SAMPLES}) is refused with an
     * IOException that says what the file is and what is wanted, e.g. {@code sox in.wav -r 8000 -c 1 -b 16 out.wav}.
     * Does not close {@code in}.
     */
    public static Prompt fromWav(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (readTag(data) != tag("RIFF")) throw new IOException("not a WAV file: no RIFF header");
        readLe32(data); // RIFF length: not trusted, the chunks say it
        if (readTag(data) != tag("WAVE")) throw new IOException("not a WAV file: RIFF type is not WAVE");
        boolean haveFormat = false;
        for (int chunk = 0; chunk < MAX_CHUNKS; chunk++) {
            int id;
            try {
                id = readTag(data);
            } catch (EOFException e) {
                break;
            }
            long length = readLe32(data);
            if (id == tag("fmt ")) {
                if (length < 16 || length > 64) throw new IOException("WAV fmt chunk of " + length + " bytes");
                int format = readLe16(data);
                int channels = readLe16(data);
                long rate = readLe32(data);
                readLe32(data); // byte rate
                readLe16(data); // block align
                int bits = readLe16(data);
                skip(data, length - 16 + (length & 1));
                if (format != 1 || channels != 1 || rate != SAMPLE_RATE || bits != 16) {
                    throw new IOException("prompt must be 16-bit mono PCM at 8000 Hz, this is format " + format
                            + ", " + channels + " channel(s), " + rate + " Hz, " + bits + " bit"
                            + " (convert with: sox in.wav -r 8000 -c 1 -b 16 -e signed-integer out.wav)");
                }
                haveFormat = true;
            } else if (id == tag("data")) {
                if (!haveFormat) throw new IOException("WAV data chunk before its fmt chunk");
                boolean unknown = length == UNKNOWN_LENGTH_1 || length == UNKNOWN_LENGTH_2;
                if (!unknown && length / 2 > MAX_SAMPLES) {
                    throw new IOException("prompt longer than " + MAX_SAMPLES / SAMPLE_RATE + " s");
                }
                return new Prompt(readSamples(data, unknown ? MAX_SAMPLES : (int) (length / 2), unknown));
            } else {
                if (length > MAX_OTHER_CHUNK) throw new IOException("WAV chunk of " + length + " bytes");
                skip(data, length + (length & 1)); // RIFF chunks are padded to an even length
            }
        }
        throw new IOException("WAV file without a data chunk");
    }

    /**
     * A soft tone: {@code frequencyHz} for {@code onMillis}, silence for {@code offMillis}, {@code amplitude}
     * a fraction of full scale (0..1). The tone fades in and out over 10 ms so it does not click.
     */
    public static Prompt tone(int frequencyHz, int onMillis, int offMillis, double amplitude) {
        if (frequencyHz <= 0 || frequencyHz >= SAMPLE_RATE / 2 || onMillis < 0 || offMillis < 0
                || onMillis + offMillis <= 0 || onMillis + offMillis > 60_000 || amplitude < 0 || amplitude > 1) {
            throw new IllegalArgumentException("tone: 0 < frequency < 4000 Hz, 0 < length ≤ 60 s, 0 ≤ amplitude ≤ 1");
        }
        int on = onMillis * SAMPLE_RATE / 1000;
        short[] samples = new short[on + offMillis * SAMPLE_RATE / 1000];
        int fade = Math.min(on / 2, SAMPLE_RATE / 100);
        for (int i = 0; i < on; i++) {
            double envelope = 1.0;
            if (i < fade) envelope = (double) i / fade;
            else if (on - 1 - i < fade) envelope = (double) (on - 1 - i) / fade;
            samples[i] = (short) Math.round(amplitude * envelope * 32767 * Math.sin(2 * Math.PI * frequencyHz * i / SAMPLE_RATE));
        }
        return new Prompt(samples);
    }

    /** Silence, so the far end hears no gap (never hang up on silence). */
    public static Prompt silence(int millis) {
        return new Prompt(new short[millis * 8]);
    }

    /** A prompt of these samples (16-bit, 8 kHz); copied. */
    public static Prompt ofSamples(short[] samples) {
        if (samples.length > MAX_SAMPLES) throw new IllegalArgumentException("prompt longer than 5 minutes");
        return new Prompt(samples.clone());
    }

    public int lengthMillis() {
        return samples.length / 8;
    }

    short[] samples() {
        return samples;
    }

    // ---- little-endian reading with limits

    private static short[] readSamples(DataInputStream in, int count, boolean untilEnd) throws IOException {
        short[] out = new short[Math.min(count, 1 << 16)];
        byte[] chunk = new byte[4096];
        int n = 0;
        while (n < count) {
            int want = Math.min(chunk.length, (count - n) * 2);
            int got = in.readNBytes(chunk, 0, want);
            if (got < want && !untilEnd) throw new IOException("WAV data chunk cut short");
            for (int i = 0; i + 1 < got; i += 2) {
                if (n == out.length) out = java.util.Arrays.copyOf(out, Math.min(count, out.length * 2));
                out[n++] = (short) ((chunk[i] & 0xFF) | (chunk[i + 1] << 8));
            }
            if (got < want) break;
        }
        if (untilEnd && n == count && in.read() >= 0) {
            throw new IOException("prompt longer than " + MAX_SAMPLES / SAMPLE_RATE + " s");
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private static int tag(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    private static int readTag(DataInputStream in) throws IOException {
        return in.readInt(); // big-endian: the four ASCII characters in order
    }

    private static int readLe16(DataInputStream in) throws IOException {
        int a = in.readUnsignedByte();
        int b = in.readUnsignedByte();
        return a | (b << 8);
    }

    private static long readLe32(DataInputStream in) throws IOException {
        long lo = readLe16(in);
        long hi = readLe16(in);
        return lo | (hi << 16);
    }

    private static void skip(DataInputStream in, long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) throw new EOFException("WAV file cut short");
                skipped = 1;
            }
            n -= skipped;
        }
    }
}
