package se.vardmote.signalling.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SIP digest authentication of gateways outside the allowed networks (RFC 3261 §22.4, RFC 7616 with
 * SHA-256 and MD5 as RFC 8760 allows for SIP). It writes challenges and checks credentials; it keeps no
 * state per request: a nonce is its issue time plus an HMAC-SHA-256 over that time and the realm under a
 * key drawn at start, so any nonce it issued can be recognised, and its age read, without a table.
 * Replays within a nonce's lifetime ({@value #NONCE_LIFETIME_SECONDS} s) are not detected (no nc table);
 * the lifetime bounds them.
 *
 * <p>Threads: immutable after construction apart from the {@link Mac}, which is created per call, so any
 * thread may use it (SipServer calls it on its call thread). Nothing here logs; callers must not log the
 * header, the nonce or the response either.
 */
public final class DigestAuthenticator {

    static final long NONCE_LIFETIME_SECONDS = 300;
    private static final int TIME_BYTES = 8;
    private static final int MAC_BYTES = 16;

    /** The outcome of checking a request's credentials. */
    public enum Verdict {
        /** Right user, realm, uri, response, and a fresh nonce we issued. */
        ACCEPTED,
        /** No usable credentials for our realm: challenge (401). */
        MISSING,
        /** The password was right but the nonce is too old or not ours: challenge again with stale=true. */
        STALE,
        /** Wrong user, realm, uri, algorithm or response: 403. */
        REJECTED
    }

    private final DigestCredentials credentials;
    private final byte[] key;
    private final LongSupplier nowSeconds;
    private final long lifetimeSeconds;

    public DigestAuthenticator(DigestCredentials credentials) {
        this(credentials, randomKey(), () -> System.currentTimeMillis() / 1000, Duration.ofSeconds(NONCE_LIFETIME_SECONDS));
    }

    DigestAuthenticator(DigestCredentials credentials, byte[] key, LongSupplier nowSeconds, Duration lifetime) {
        this.credentials = credentials;
        this.key = key.clone();
        this.nowSeconds = nowSeconds;
        this.lifetimeSeconds = lifetime.toSeconds();
    }

    public String realm() {
        return credentials.realm();
    }

    /**
     * The {@code WWW-Authenticate} values for a 401, one per configured algorithm in order of preference
     * (RFC 8760 §2.4; by default SHA-256, then MD5, which most gateways still use). All carry one nonce.
     */
    public List<String> challenges(boolean stale) {
        String nonce = newNonce();
        String common = "Digest realm=\"" + credentials.realm() + "\", nonce=\"" + nonce + "\", qop=\"auth\""
                + (stale ? ", stale=true" : "");
        List<String> out = new java.util.ArrayList<>();
        for (String algorithm : credentials.algorithms()) out.add(common + ", algorithm=" + algorithm);
        return List.copyOf(out);
    }

    /**
     * Checks the values of a request's {@code Authorization} headers against our realm.
     *
     * @param method     the request's method (RFC 3261 §22.4: A2 uses it; ACK and CANCEL use INVITE's)
     * @param requestUri the request's Request-URI as the stack writes it
     * @param headers    the {@code Authorization} header values (without the name), possibly none
     */
    public Verdict verify(String method, String requestUri, List<String> headers) {
        DigestAuthorization ours = null;
        for (String h : headers) {
            DigestAuthorization a;
            try {
                a = DigestAuthorization.parse(h);
            } catch (IllegalArgumentException e) {
                return Verdict.REJECTED;
            }
            if (credentials.realm().equals(a.get("realm"))) {
                ours = a;
                break;
            }
            if (ours == null) ours = a;
        }
        if (ours == null) return Verdict.MISSING;
        return verify(method, requestUri, ours);
    }

    Verdict verify(String method, String requestUri, DigestAuthorization a) {
        String user = a.get("username");
        String realm = a.get("realm");
        String nonce = a.get("nonce");
        String uri = a.get("uri");
        String response = a.get("response");
        if (user == null || realm == null || nonce == null || uri == null || response == null) return Verdict.REJECTED;
        String algorithm = a.get("algorithm") == null ? "MD5" : a.get("algorithm").toUpperCase(Locale.ROOT);
        if (!credentials.algorithms().contains(algorithm)) return Verdict.REJECTED; // not offered; no -sess (RFC 7616 §3.4.2)
        String qop = a.get("qop");
        String nc = a.get("nc");
        String cnonce = a.get("cnonce");
        if (qop != null) {
            if (!qop.equalsIgnoreCase("auth") || nc == null || cnonce == null || !nc.matches("[0-9a-fA-F]{8}")) return Verdict.REJECTED;
        } else if (nc != null || cnonce != null) {
            return Verdict.REJECTED;
        }
        // evaluate every field, then decide, so timing says nothing about which one was wrong
        boolean ok = constantTimeEquals(user, credentials.user());
        ok &= constantTimeEquals(realm, credentials.realm());
        ok &= constantTimeEquals(uri, requestUri);
        String expected = response(algorithm, credentials.user(), credentials.realm(), credentials.password(),
                method, uri, nonce, nc, cnonce, qop);
        ok &= constantTimeEquals(response.toLowerCase(Locale.ROOT), expected);
        if (!ok) return Verdict.REJECTED;
        return nonceIsFresh(nonce) ? Verdict.ACCEPTED : Verdict.STALE;
    }

    /**
     * The request-digest of RFC 7616 §3.4.1 (and RFC 2617 §3.2.2.1 without qop): lower-case hex of
     * H(H(user:realm:password):nonce[:nc:cnonce:qop]:H(method:uri)).
     */
    static String response(String algorithm, String user, String realm, String password, String method, String uri,
                           String nonce, String nc, String cnonce, String qop) {
        String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
        String ha2 = hash(algorithm, method + ":" + uri);
        String data = qop == null ? nonce + ":" + ha2 : nonce + ":" + nc + ":" + cnonce + ":" + qop.toLowerCase(Locale.ROOT) + ":" + ha2;
        return hash(algorithm, ha1 + ":" + data);
    }

    String newNonce() {
        return nonceAt(nowSeconds.getAsLong());
    }

    String nonceAt(long issuedSeconds) {
        ByteBuffer b = ByteBuffer.allocate(TIME_BYTES + MAC_BYTES);
        b.putLong(issuedSeconds);
        b.put(mac(issuedSeconds), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private boolean nonceIsFresh(String nonce) {
        byte[] raw;
        try {
            if (nonce.length() > 64) return false;
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != TIME_BYTES + MAC_BYTES) return false;
        long issued = ByteBuffer.wrap(raw).getLong();
        byte[] given = java.util.Arrays.copyOfRange(raw, TIME_BYTES, raw.length);
        byte[] expected = java.util.Arrays.copyOf(mac(issued), MAC_BYTES);
        if (!MessageDigest.isEqual(given, expected)) return false;
        long age = nowSeconds.getAsLong() - issued;
        return age >= -5 && age <= lifetimeSeconds; // a few seconds of clock step back are tolerated
    }

    private byte[] mac(long issuedSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(TIME_BYTES).putLong(issuedSeconds).array());
            mac.update(credentials.realm().getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(String algorithm, String text) {
        try {
            MessageDigest d = MessageDigest.getInstance(algorithm.equals("SHA-256") ? "SHA-256" : "MD5");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
