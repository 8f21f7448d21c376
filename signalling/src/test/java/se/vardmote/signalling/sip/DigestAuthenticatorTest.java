package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    static final String URI = "sip:123456789@127.0.0.1:5060";
    final AtomicLong now = new AtomicLong(1_700_000_000L);
    final DigestCredentials creds = new DigestCredentials("gw", "s3cret", "vardmote");
    final DigestAuthenticator auth = new DigestAuthenticator(creds, new byte[32], now::get, Duration.ofSeconds(300));

    @Test
    void rfc7616ExampleVectorsForSha256AndMd5() {
        // RFC 7616 §3.9.1: Mufasa / "Circle of Life", GET /dir/index.html
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", DigestAuthenticator.response("MD5", "Mufasa",
                "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html", nonce, "00000001", cnonce, "auth"));
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", DigestAuthenticator.response(
                "SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html", nonce,
                "00000001", cnonce, "auth"));
    }

    @Test
    void rfc2617ExampleVector() {
        // RFC 2617 §3.5
        String r = DigestAuthenticator.response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth");
        assertEquals("6629fae49393a05397450978507c4ef1", r);
    }

    String header(String algorithm, String user, String realm, String password, String method, String uri, String nonce,
                  boolean qop) {
        String response = DigestAuthenticator.response(algorithm, user, realm, password, method, uri, nonce,
                qop ? "00000001" : null, qop ? "abc123" : null, qop ? "auth" : null);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm
                + (qop ? ", qop=auth, nc=00000001, cnonce=\"abc123\"" : "");
    }

    DigestAuthenticator.Verdict verify(String header) {
        return auth.verify("INVITE", URI, List.of(header));
    }

    @Test
    void acceptsRightCredentialsWithAndWithoutQopInBothAlgorithms() {
        String nonce = auth.newNonce();
        for (String alg : List.of("MD5", "SHA-256")) {
            assertEquals(DigestAuthenticator.Verdict.ACCEPTED, verify(header(alg, "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true)));
            assertEquals(DigestAuthenticator.Verdict.ACCEPTED, verify(header(alg, "gw", "vardmote", "s3cret", "INVITE", URI, nonce, false)));
        }
    }

    @Test
    void noCredentialsAsksForAChallenge() {
        assertEquals(DigestAuthenticator.Verdict.MISSING, auth.verify("INVITE", URI, List.of()));
    }

    @Test
    void challengesOfferSha256ThenMd5WithOneNonceAndQopAuth() {
        List<String> c = auth.challenges(false);
        assertEquals(2, c.size());
        assertTrue(c.get(0).startsWith("Digest realm=\"vardmote\", nonce=\"") && c.get(0).endsWith("algorithm=SHA-256"), c.get(0));
        assertTrue(c.get(1).endsWith("algorithm=MD5") && c.get(1).contains("qop=\"auth\""), c.get(1));
        assertEquals(DigestAuthorization.parse(c.get(0)).get("nonce"), DigestAuthorization.parse(c.get(1)).get("nonce"));
        assertFalse(c.get(0).contains("stale"));
        assertTrue(auth.challenges(true).get(1).contains("stale=true"));
    }

    @Test
    void wrongPasswordUserRealmOrUriIsRejected() {
        String nonce = auth.newNonce();
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("MD5", "gw", "vardmote", "wrong", "INVITE", URI, nonce, true)));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("MD5", "other", "vardmote", "s3cret", "INVITE", URI, nonce, true)));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("MD5", "gw", "elsewhere", "s3cret", "INVITE", URI, nonce, true)));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("MD5", "gw", "vardmote", "s3cret", "INVITE",
                "sip:999@127.0.0.1:5060", nonce, true)));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("MD5", "gw", "vardmote", "s3cret", "BYE", URI, nonce, true)),
                "a response computed for another method");
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify("Digest username=\"gw\""));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify("Basic Z3c6czNjcmV0"));
    }

    @Test
    void expiredNonceWithTheRightPasswordIsStale() {
        String nonce = auth.newNonce();
        now.addAndGet(301);
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(header("SHA-256", "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true)));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(header("SHA-256", "gw", "vardmote", "wrong", "INVITE", URI, nonce, true)),
                "a stale nonce with a wrong password is still wrong");
    }

    @Test
    void nonceFromTheFutureOrForgedIsNotAccepted() {
        String future = auth.nonceAt(now.get() + 3600);
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, future, true)));
        DigestAuthenticator otherKey = new DigestAuthenticator(creds, new byte[] {1, 2, 3}, now::get, Duration.ofSeconds(300));
        String forged = otherKey.newNonce();
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, forged, true)),
                "not ours: a fresh challenge, never acceptance");
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, "bm90LWEtbm9uY2U", true)));
    }

    @Test
    void sessAlgorithmsAndOtherQopsAreRejected() {
        String nonce = auth.newNonce();
        String h = header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true);
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(h.replace("algorithm=MD5", "algorithm=MD5-sess")));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(h.replace("qop=auth", "qop=auth-int")));
        assertEquals(DigestAuthenticator.Verdict.REJECTED, verify(h.replace("nc=00000001", "nc=1")));
    }

    @Test
    void credentialsForOurRealmArePickedAmongSeveral() {
        String nonce = auth.newNonce();
        String ours = header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true);
        String theirs = header("MD5", "x", "proxy.example", "y", "INVITE", URI, nonce, true);
        assertEquals(DigestAuthenticator.Verdict.ACCEPTED, auth.verify("INVITE", URI, List.of(theirs, ours)));
    }

    @Test
    void onlyTheConfiguredAlgorithmsAreChallengedAndAccepted() {
        DigestAuthenticator sha = new DigestAuthenticator(new DigestCredentials("gw", "s3cret", "vardmote", List.of("sha-256")),
                new byte[32], now::get, Duration.ofSeconds(300));
        assertEquals(1, sha.challenges(false).size());
        String nonce = sha.newNonce();
        assertEquals(DigestAuthenticator.Verdict.REJECTED, sha.verify("INVITE", URI,
                List.of(header("MD5", "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true))));
        assertEquals(DigestAuthenticator.Verdict.ACCEPTED, sha.verify("INVITE", URI,
                List.of(header("SHA-256", "gw", "vardmote", "s3cret", "INVITE", URI, nonce, true))));
        assertThrows(IllegalArgumentException.class, () -> new DigestCredentials("gw", "p", "r", List.of("SHA-512-256")));
    }

    @Test
    void passwordNeverInToString() {
        assertFalse(creds.toString().contains("s3cret"));
        assertFalse(SipConfig.forTests().withDigest(creds).toString().contains("s3cret"));
        assertThrows(IllegalArgumentException.class, () -> new DigestCredentials("gw", "", "r"));
    }
}
