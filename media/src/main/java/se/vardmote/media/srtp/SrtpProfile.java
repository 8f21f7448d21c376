package se.vardmote.media.srtp;

import org.jitsi.srtp.SrtpPolicy;

/**
 * The DTLS-SRTP protection profiles we negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2), in order of preference.
 * Immutable.
 */
public enum SrtpProfile {
    /** RFC 7714: AES-128-GCM, 16-byte tag, 12-byte salt. Cheaper than CM+HMAC and what browsers prefer. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    /** RFC 5764: AES-128-CM with HMAC-SHA1-80, 14-byte salt. Every WebRTC endpoint supports it. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10);

    /** The id in the use_srtp extension. */
    public final int id;
    public final int keyLength;
    public final int saltLength;
    /** Bytes SRTP adds to an RTP packet (SRTCP adds 4 more for the index). */
    public final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** RFC 5764 §4.2: the exporter yields 2 keys and 2 salts. */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile with {@code id}, or null when we do not support it. */
    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) if (p.id == id) return p;
        return null;
    }

    SrtpPolicy policy() {
        return switch (this) {
            // jitsi-srtp takes the 12-byte GCM salt and pads it for the RFC 3711 KDF (RFC 7714 §12)
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, tagLength, saltLength);
            case AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, tagLength, saltLength);
        };
    }
}
