package se.vardmote.media.phone;

/**
 * ITU-T G.711 companding: μ-law (PCMU, RFC 3551 §4.5.14) and A-law (PCMA, §4.5.11) between 16-bit linear
 * PCM and one octet per sample. Lookup tables both ways (256 entries to decode, 8192/4096 entries of the
 * 65536 to encode), built once from the reference algorithms; the conversion itself is one array read.
 * Stateless and immutable; any thread.
 */
public final class G711 {

    /** μ-law: the encoder adds this bias so that each segment starts on a power of two (G.711 Table 2a). */
    private static final int ULAW_BIAS = 0x84;
    private static final int ULAW_CLIP = 32635;

    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];
    /** Indexed by the 16-bit sample + 32768. */
    private static final byte[] LINEAR_TO_ULAW = new byte[65536];
    private static final byte[] LINEAR_TO_ALAW = new byte[65536];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_TO_LINEAR[i] = (short) ulawDecode(i);
            ALAW_TO_LINEAR[i] = (short) alawDecode(i);
        }
        for (int i = 0; i < 65536; i++) {
            LINEAR_TO_ULAW[i] = (byte) ulawEncode(i - 32768);
            LINEAR_TO_ALAW[i] = (byte) alawEncode(i - 32768);
        }
    }

    private G711() {
    }

    public static short ulawToLinear(int code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    public static short alawToLinear(int code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    /** μ-law octet for a sample (clamped to 16 bits). */
    public static byte linearToUlaw(int sample) {
        return LINEAR_TO_ULAW[clamp16(sample) + 32768];
    }

    /** A-law octet for a sample (clamped to 16 bits). */
    public static byte linearToAlaw(int sample) {
        return LINEAR_TO_ALAW[clamp16(sample) + 32768];
    }

    private static int clamp16(int sample) {
        return sample > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(sample, Short.MIN_VALUE);
    }

    // ---- the reference algorithms the tables are built from (after the public-domain Sun g711.c)

    private static int ulawEncode(int pcm) {
        int mask;
        if (pcm < 0) {
            pcm = -pcm;
            mask = 0x7F;
        } else {
            mask = 0xFF;
        }
        if (pcm > ULAW_CLIP) pcm = ULAW_CLIP;
        pcm += ULAW_BIAS;
        int segment = segment(pcm >> 8); // segment ends 0xFF, 0x1FF, ... 0x7FFF
        int code = (segment << 4) | ((pcm >> (segment + 3)) & 0x0F);
        return code ^ mask;
    }

    private static int ulawDecode(int code) {
        code = ~code & 0xFF;
        int t = ((code & 0x0F) << 3) + ULAW_BIAS;
        t <<= (code & 0x70) >> 4;
        return (code & 0x80) != 0 ? ULAW_BIAS - t : t - ULAW_BIAS;
    }

    private static int alawEncode(int pcm) {
        int mask;
        pcm >>= 3; // A-law works on 13 bits
        if (pcm >= 0) {
            mask = 0xD5; // sign bit set, even bits inverted
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        if (pcm > 0xFFF) pcm = 0xFFF;
        int segment = segment(pcm >> 5); // segment ends 0x1F, 0x3F, ... 0xFFF
        int code = (segment << 4) | ((segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0F);
        return code ^ mask;
    }

    private static int alawDecode(int code) {
        code ^= 0x55;
        int t = (code & 0x0F) << 4;
        int segment = (code & 0x70) >> 4;
        if (segment == 0) {
            t += 8;
        } else if (segment == 1) {
            t += 0x108;
        } else {
            t += 0x108;
            t <<= segment - 1;
        }
        return (code & 0x80) != 0 ? t : -t;
    }

    /** Number of the 3-bit segment: position of the highest set bit of {@code v} (0..7), v < 256. */
    private static int segment(int v) {
        int s = 0;
        while (v > 0 && s < 8) {
            v >>= 1;
            s++;
        }
        return Math.min(s, 7);
    }
}
