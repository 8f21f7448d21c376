package se.vardmote.signalling;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN servers that share a secret with us, and the time-limited credentials derived from it: the TURN
 * REST API convention (draft-uberti-behave-turn-rest) that coturn implements as {@code use-auth-secret} /
 * {@code static-auth-secret}. The username is {@code <unix expiry>:<random tag>}; the password is
 * base64(HMAC-SHA1(secret, username)). No lookup between us and the TURN server, and a credential dies on
 * its own.
 *
 * <p>The username carries no participant or meeting id (coturn logs usernames). {@link #toString()} never
 * shows the secret.
 *
 * @param urls   {@code turn:} and {@code turns:} URLs as browsers take them, e.g.
 *               {@code turn:turn.example.se:3478?transport=udp}, {@code turns:turn.example.se:443?transport=tcp}
 * @param secret the shared secret (coturn's {@code static-auth-secret}); empty when {@code urls} is
 */
public record TurnServers(List<String> urls, String secret) {

    public static final TurnServers NONE = new TurnServers(List.of(), "");
    /** Credentials live at least this long, even for a join just before its link expires. */
    static final Duration MIN_VALIDITY = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    public TurnServers {
        urls = List.copyOf(urls);
        secret = secret == null ? "" : secret;
        for (String url : urls) {
            if (!(url.startsWith("turn:") || url.startsWith("turns:"))) {
                throw new IllegalArgumentException("a TURN URL starts with turn: or turns:");
            }
        }
        if (!urls.isEmpty() && secret.length() < 16) {
            throw new IllegalArgumentException("the TURN shared secret must be at least 16 characters");
        }
    }

    public boolean configured() {
        return !urls.isEmpty();
    }

    /** An iceServers entry valid until {@code validUntil} (at least {@link #MIN_VALIDITY} from {@code now}). */
    public SignallingConfig.IceServer credentials(Instant validUntil, Instant now) {
        return credentialsUntil(validUntil.isBefore(now.plus(MIN_VALIDITY)) ? now.plus(MIN_VALIDITY) : validUntil);
    }

    /**
     * An iceServers entry valid for {@code validity} from {@code now} and no longer, however short: for the
     * pre-call check's echo test, which anyone may start without a join link and which lasts a minute at most.
     */
    public SignallingConfig.IceServer credentialsValidFor(Duration validity, Instant now) {
        return credentialsUntil(now.plus(validity));
    }

    private SignallingConfig.IceServer credentialsUntil(Instant expiry) {
        byte[] tag = new byte[6];
        RANDOM.nextBytes(tag);
        String username = expiry.getEpochSecond() + ":" + HexFormat.of().formatHex(tag);
        return new SignallingConfig.IceServer(urls, username, password(secret, username));
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn checks it. */
    static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "TurnServers[urls=" + urls + ", secret=" + (secret.isEmpty() ? "(none)" : "(set)") + "]";
    }
}
