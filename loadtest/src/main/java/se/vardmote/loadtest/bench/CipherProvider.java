package se.vardmote.loadtest.bench;

import java.lang.reflect.Field;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;

/**
 * Which AES and HMAC-SHA1 implementation jitsi-srtp uses, forced rather than left to its start-up pick.
 *
 * <p>jitsi-srtp times OpenSSL, SunJCE and BouncyCastle on first use and keeps the fastest for AES
 * ({@code Aes.setFactoryClassName} overrides that), while its HMAC-SHA1 always takes the first provider of a
 * private list that starts with its OpenSSL glue when the native library loaded. The choice is static, so a
 * benchmark must force it before the first SRTP context exists and run one forked JVM per provider (JMH forks
 * per parameter value anyway). Called once per fork, before any SRTP work.
 */
public enum CipherProvider {
    /** jitsi-srtp's OpenSSL 3 natives ({@code libjitsisrtp_3.so}) for AES and HMAC-SHA1. */
    OPENSSL,
    /** The JDK's own SunJCE AES (AES-NI intrinsics) and HMAC-SHA1. */
    JDK;

    public void force() {
        switch (this) {
            case OPENSSL -> {
                if (!JitsiOpenSslProvider.isLoaded()) {
                    throw new IllegalStateException("jitsi-srtp's OpenSSL natives did not load on this machine");
                }
                Aes.setFactoryClassName("OpenSSL");
                hmacProviders(List.of(new JitsiOpenSslProvider()));
            }
            case JDK -> {
                Aes.setFactoryClassName("SunJCE");
                hmacProviders(List.of(Security.getProvider("SunJCE")));
            }
        }
    }

    /** Sets org.jitsi.srtp.crypto.HmacSha1's private static provider list (read on each createMac). */
    private static void hmacProviders(List<Provider> providers) {
        try {
            Field f = Class.forName("org.jitsi.srtp.crypto.HmacSha1").getDeclaredField("providers");
            f.setAccessible(true);
            f.set(null, providers);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot force jitsi-srtp's HMAC-SHA1 provider", e);
        }
    }
}
