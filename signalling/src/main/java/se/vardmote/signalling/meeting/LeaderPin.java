package se.vardmote.signalling.meeting;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.random.RandomGenerator;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The leader PIN of a meeting: 6 random digits that let a phone caller take the clinician's role. Generated
 * here, shown once in the booking answer, stored only as a salted PBKDF2-HMAC-SHA256 hash (RFC 8018 §5.2).
 * Stateless; any thread.
 *
 * <p><b>Trivial PINs are never handed out</b>: all digits the same ({@code 000000}, {@code 777777}) or a run,
 * meaning every digit is one more than the one before ({@code 123456}, {@code 567890}) or every digit one less
 * ({@code 654321}, {@code 321098}), counting modulo 10 so that a run may wrap past 9/0. These are the codes
 * people try first. That removes 30 of the 10⁶ codes.
 *
 * <p>Why hashing a 6-digit code still matters: 10⁶ guesses are cheap offline, so the hash alone does not
 * protect a stolen database for long; it keeps PINs out of backups, logs and casual reads, and the iteration
 * count makes a bulk search of many meetings cost real time. The online guard is the lockout in
 * {@link LeaderPinLockout}.
 */
public final class LeaderPin {

    public static final int DIGITS = 6;
    /** Iterations of PBKDF2: 25–70 ms per check on the shared 2-core build machine (median 66 ms); PIN checks are rare. */
    static final int ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String PREFIX = "pbkdf2-sha256";
    /** Longest stored hash we parse (the database column holds 200). */
    private static final int MAX_STORED_CHARS = 200;

    private LeaderPin() {
    }

    /** A fresh PIN: 6 uniformly random digits, drawn again while trivial. */
    public static String generate(RandomGenerator random) {
        char[] digits = new char[DIGITS];
        do {
            for (int i = 0; i < DIGITS; i++) digits[i] = (char) ('0' + random.nextInt(10));
        } while (isTrivial(new String(digits)));
        return new String(digits);
    }

    /** Whether a 6-digit PIN is one we never issue (see the class comment). False for non-PINs. */
    public static boolean isTrivial(String pin) {
        if (!isWellFormed(pin)) return false;
        int step = Math.floorMod(pin.charAt(1) - pin.charAt(0), 10);
        if (step != 0 && step != 1 && step != 9) return false;
        for (int i = 2; i < DIGITS; i++) {
            if (Math.floorMod(pin.charAt(i) - pin.charAt(i - 1), 10) != step) return false;
        }
        return true;
    }

    /** Exactly 6 ASCII digits. Null-safe. */
    public static boolean isWellFormed(String pin) {
        if (pin == null || pin.length() != DIGITS) return false;
        for (int i = 0; i < DIGITS; i++) {
            char c = pin.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /** The stored form: {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, base64 without padding. */
    public static String hash(String pin, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return hash(pin, salt, ITERATIONS);
    }

    static String hash(String pin, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(pin, salt, iterations));
    }

    /**
     * Whether {@code pin} matches a stored hash. False for a malformed PIN or stored value. Compares in
     * constant time.
     */
    public static boolean matches(String pin, String stored) {
        if (!isWellFormed(pin) || stored == null || stored.length() > MAX_STORED_CHARS) return false;
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) return false;
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1 || iterations > 10_000_000) return false;
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, pbkdf2(pin, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] pbkdf2(String pin, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(pin.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
