package se.vardmote.media.srtp;

import java.lang.reflect.Field;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.BaseSrtpCryptoContext;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.jitsi.srtp.crypto.SrtpCipher;
import org.jitsi.srtp.crypto.SrtpCipherGcm;

/**
 * jitsi-srtp's AES-GCM cipher without its per-packet garbage. jitsi's {@link SrtpCipherGcm#setIV} builds a
 * {@code new GCMParameterSpec(128, iv)} (which copies the IV) for every packet, and the OpenSSL cipher copies
 * it once more in {@code getIV()}: 88 bytes per protect or unprotect on the relay's hot path. This one keeps
 * a single spec whose {@link GCMParameterSpec#getIV()} hands out its own array, refilled before each
 * {@code Cipher.init}, and jitsi's key object (OpenSSL compares the key by reference and skips re-keying).
 *
 * <p>jitsi-srtp creates and keys its cipher inside the crypto context's constructor, so {@link #install}
 * swaps it afterwards by reflection, reusing jitsi's own {@link Cipher} and key. Only jitsi's OpenSSL cipher
 * gets it: that provider hands the IV to {@code EVP_CipherInit} within {@code init}. The JDK's SunJCE keeps
 * the spec's array as "the last IV" to refuse IV reuse, so with an array that changes under it every encrypt
 * would look like a reuse; contexts on any other provider keep jitsi's cipher (correct, it allocates).
 * If a future jitsi-srtp changes the fields, {@link #available()} is false and every context keeps jitsi's.
 * The receive side's separate auth-only cipher (used only when decryption is skipped, which
 * {@link SrtpSession} never asks for) is left alone.
 *
 * <p>Owned by the crypto context it is installed in, so by the transport's event loop; not thread-safe.
 */
final class ReusableGcmCipher extends SrtpCipherGcm {

    private static final System.Logger LOG = System.getLogger(ReusableGcmCipher.class.getName());

    /** {@code BaseSrtpCryptoContext.cipher} (protected final), {@code SrtpCipher.cipher}, {@code SrtpCipherGcm.key}. */
    private static final Field CONTEXT_CIPHER;
    private static final Field JCA_CIPHER;
    private static final Field GCM_KEY;
    private static volatile boolean available;

    static {
        Field contextCipher = null, jcaCipher = null, gcmKey = null;
        try {
            contextCipher = BaseSrtpCryptoContext.class.getDeclaredField("cipher");
            jcaCipher = SrtpCipher.class.getDeclaredField("cipher");
            gcmKey = SrtpCipherGcm.class.getDeclaredField("key");
            if (contextCipher.getType() != SrtpCipher.class || jcaCipher.getType() != Cipher.class
                    || gcmKey.getType() != SecretKeySpec.class) {
                throw new NoSuchFieldException("unexpected field types");
            }
            contextCipher.setAccessible(true);
            jcaCipher.setAccessible(true);
            gcmKey.setAccessible(true);
            available = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SRTP AES-GCM keeps jitsi-srtp's own cipher (allocates per packet): "
                    + "this jitsi-srtp version does not have the expected fields (" + e + ")");
        }
        CONTEXT_CIPHER = contextCipher;
        JCA_CIPHER = jcaCipher;
        GCM_KEY = gcmKey;
    }

    private final ReusableIvSpec spec = new ReusableIvSpec();
    private SecretKeySpec key;

    private ReusableGcmCipher(Cipher cipher, SecretKeySpec key) {
        super(cipher);
        this.key = key;
    }

    /**
     * Replaces the AES-GCM cipher of a freshly derived context (before its first packet) with one that does
     * not allocate. Call on the thread that owns the context.
     *
     * @return true when installed; false (the context is unchanged and still works) when the context is not
     *         GCM, its cipher is not jitsi's OpenSSL one, or the reflection does not fit this jitsi-srtp
     */
    static boolean install(BaseSrtpCryptoContext context) {
        if (!available) return false;
        try {
            if (!(CONTEXT_CIPHER.get(context) instanceof SrtpCipher jitsi) || jitsi.getClass() != SrtpCipherGcm.class) {
                return false;
            }
            Cipher cipher = (Cipher) JCA_CIPHER.get(jitsi);
            SecretKeySpec key = (SecretKeySpec) GCM_KEY.get(jitsi);
            if (cipher == null || key == null || !(cipher.getProvider() instanceof JitsiOpenSslProvider)) return false;
            CONTEXT_CIPHER.set(context, new ReusableGcmCipher(cipher, key));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // e.g. a JDK that refuses to mutate final fields: keep jitsi's cipher from now on. No key material here.
            available = false;
            LOG.log(System.Logger.Level.WARNING, "SRTP AES-GCM keeps jitsi-srtp's own cipher (allocates per packet): "
                    + "cannot replace it (" + e + ")");
            return false;
        }
    }

    /** Whether {@link #install} can work with this jitsi-srtp and JDK (it still skips non-OpenSSL ciphers). */
    static boolean available() {
        return available;
    }

    @Override
    public void init(byte[] key, byte[] salt) {
        // As jitsi's (SRTP GCM ignores the salt here: it goes into the IV). Not called after install today.
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("Invalid key length");
        }
        this.key = getSecretKey(key);
    }

    @Override
    public void setIV(byte[] iv, int opmode) throws GeneralSecurityException {
        if (iv.length != ReusableIvSpec.IV_LENGTH) {
            cipher.init(opmode, key, new GCMParameterSpec(ReusableIvSpec.TAG_BITS, iv)); // not SRTP's 12 bytes
            return;
        }
        System.arraycopy(iv, 0, spec.iv, 0, ReusableIvSpec.IV_LENGTH);
        cipher.init(opmode, key, spec);
    }

    /** A GCM spec whose IV is refilled in place; {@link #getIV()} returns that array, not a copy. */
    private static final class ReusableIvSpec extends GCMParameterSpec {
        static final int IV_LENGTH = 12; // RFC 7714 §8.1
        static final int TAG_BITS = 128; // RFC 7714 §12: a 16-octet tag

        final byte[] iv = new byte[IV_LENGTH];

        ReusableIvSpec() {
            super(TAG_BITS, new byte[IV_LENGTH]);
        }

        @Override
        public byte[] getIV() {
            return iv;
        }
    }
}
