package se.vardmote.signalling.token;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Arbitrary strings into {@link TokenService#verify}: it either returns claims or throws
 * {@link InvalidTokenException}, never anything else, and never quotes its input. Seeds in
 * TokenVerifyFuzzTestInputs/; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class TokenVerifyFuzzTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final TokenService TOKENS;

    static {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        TOKENS = new TokenService(secret, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @FuzzTest
    void verifyRejectsOnlyWithInvalidTokenException(FuzzedDataProvider data) {
        String token = data.consumeRemainingAsString();
        try {
            TokenClaims claims = TOKENS.verify(token);
            // Only a token signed with our secret can get here; the fuzzer cannot forge one.
            throw new AssertionError("verified a token the fuzzer made up: " + claims);
        } catch (InvalidTokenException e) {
            if (token.length() >= 8 && e.getMessage().contains(token)) throw new AssertionError("message quotes token");
        }
    }
}
