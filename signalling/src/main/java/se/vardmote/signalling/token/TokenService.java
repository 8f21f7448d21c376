package se.vardmote.signalling.token;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import se.vardmote.signalling.meeting.Role;

/**
 * Issues and verifies join tokens: HS256 JWTs scoped to one meeting and one participant with role and
 * expiry. Thread-safe. Tokens are secrets: never log them.
 */
public final class TokenService {

    /** @param secret at least 32 bytes */
    public TokenService(byte[] secret, Clock clock) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Reads {@code token-secret} from the directory, creating it (32 random bytes, mode 600) on first use. */
    public static TokenService fromDataDirectory(Path dataDir, Clock clock) throws java.io.IOException {
        throw new UnsupportedOperationException("TODO");
    }

    public String issue(String meetingId, String participantId, Role role, Instant expiresAt) {
        throw new UnsupportedOperationException("TODO");
    }

    /** @throws InvalidTokenException when the signature, format or expiry is wrong */
    public TokenClaims verify(String token) throws InvalidTokenException {
        throw new UnsupportedOperationException("TODO");
    }
}
