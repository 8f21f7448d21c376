package se.vardmote.signalling.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Arbitrary {@code Authorization} header values into {@link DigestAuthorization#parse} and
 * {@link DigestAuthenticator#verify}: parsed within the limits or IllegalArgumentException; a verdict,
 * never acceptance without the password. Seeds in DigestAuthorizationFuzzTestInputs/.
 */
class DigestAuthorizationFuzzTest {

    static final DigestAuthenticator AUTH = new DigestAuthenticator(new DigestCredentials("gw", "s3cret", "vardmote"),
            new byte[32], () -> 1_700_000_000L, Duration.ofSeconds(300));

    @FuzzTest(maxDuration = "30s")
    void parsesWithinLimitsOrRefuses(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        try {
            DigestAuthorization a = DigestAuthorization.parse(value);
            if (a.params().size() > DigestAuthorization.MAX_PARAMS) throw new AssertionError("too many parameters");
            for (String v : a.params().values()) {
                if (v.length() > DigestAuthorization.MAX_VALUE_CHARS) throw new AssertionError("value too long");
            }
        } catch (IllegalArgumentException refused) {
            // expected for most inputs
        }
        if (AUTH.verify("INVITE", "sip:1@127.0.0.1", List.of(value)) == DigestAuthenticator.Verdict.ACCEPTED) {
            throw new AssertionError("accepted without the password");
        }
    }
}
