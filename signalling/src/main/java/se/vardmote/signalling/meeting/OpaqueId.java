package se.vardmote.signalling.meeting;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Meeting and participant ids: 128 random bits, base64url without padding (22 characters). Not sequential and
 * not guessable, so that an id seen in one place says nothing about any other meeting. Any thread
 * ({@link SecureRandom} is thread-safe).
 */
final class OpaqueId {

    static final int LENGTH = 22;
    private static final int BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private OpaqueId() {
    }

    static String generate(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Cheap shape check before a database look-up: 22 base64url characters. */
    static boolean looksValid(String id) {
        if (id == null || id.length() != LENGTH) return false;
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }
}
