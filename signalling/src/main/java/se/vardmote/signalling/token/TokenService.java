package se.vardmote.signalling.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Set;
import se.vardmote.signalling.meeting.Role;

/**
 * Issues and verifies join tokens: HS256 JWTs scoped to one meeting and one participant with role and
 * expiry. Thread-safe. Tokens are secrets: never log them.
 *
 * <p>Claims (RFC 7519): {@code mid} the meeting id, {@code sub} the participant id, {@code role} the wire name
 * of the role, {@code exp} and {@code iat}. Only HS256 is accepted on verify, whatever the header says
 * (RFC 8725 §3.1: the verifier, not the token, picks the algorithm), so {@code alg: none} and
 * algorithm-confusion tokens fail. Owns a copy of the secret; the nimbus signer and verifier are thread-safe.
 */
public final class TokenService {

    private static final System.Logger LOG = System.getLogger(TokenService.class.getName());

    /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Our tokens are ≈ 250 characters; anything near this limit is not ours. */
    public static final int MAX_TOKEN_CHARS = 4096;
    /** Tolerated clock difference between the server that issued and the one that verifies. */
    public static final Duration EXPIRY_LEEWAY = Duration.ofSeconds(30);
    /** Name of the secret file in the data directory. */
    public static final String SECRET_FILE = "token-secret";

    static final String CLAIM_MEETING = "mid";
    static final String CLAIM_ROLE = "role";
    /** Meeting and participant ids are short base64url strings; refuse anything else before using it. */
    private static final int MAX_ID_CHARS = 64;

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;

    /** @param secret at least 32 bytes */
    public TokenService(byte[] secret, Clock clock) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the token secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (clock == null) throw new IllegalArgumentException("clock is required");
        byte[] copy = Arrays.copyOf(secret, secret.length);
        try {
            this.signer = new MACSigner(copy);
            this.verifier = new MACVerifier(copy);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token secret: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    /** Reads {@code token-secret} from the directory, creating it (32 random bytes, mode 600) on first use. */
    public static TokenService fromDataDirectory(Path dataDir, Clock clock) throws java.io.IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(SECRET_FILE);
        if (!Files.exists(file)) createSecretFile(file);
        byte[] secret = Files.readAllBytes(file);
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IOException(file + " holds " + secret.length + " bytes; a token secret needs at least "
                    + MIN_SECRET_BYTES + ". Remove the file to have a new one generated (this ends all join links).");
        }
        warnIfReadableByOthers(file);
        return new TokenService(secret, clock);
    }

    public String issue(String meetingId, String participantId, Role role, Instant expiresAt) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim(CLAIM_MEETING, meetingId)
                .subject(participantId)
                .claim(CLAIM_ROLE, role.wireName())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a join token", e);
        }
        return jwt.serialize();
    }

    /** @throws InvalidTokenException when the signature, format or expiry is wrong */
    public TokenClaims verify(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty()) throw new InvalidTokenException("the join token is missing");
        if (token.length() > MAX_TOKEN_CHARS) throw new InvalidTokenException("the join token is too long");
        if (!isCompactShape(token)) throw new InvalidTokenException("the join token is malformed");

        // Messages and causes from the library are dropped on purpose: they may quote parts of the token.
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException("the join token is malformed");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new InvalidTokenException("the join token uses an algorithm other than HS256");
        }
        // RFC 7515 §4.1.11: we understand no critical extensions (b64 included), so any "crit" is a refusal.
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new InvalidTokenException("the join token has critical header parameters");
        }
        boolean signed;
        try {
            signed = jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            signed = false;
        }
        if (!signed) throw new InvalidTokenException("the join token's signature is not valid");

        JWTClaimsSet claims;
        String meetingId;
        String participantId;
        String roleName;
        Date exp;
        try {
            claims = jwt.getJWTClaimsSet();
            meetingId = claims.getStringClaim(CLAIM_MEETING);
            participantId = claims.getSubject();
            roleName = claims.getStringClaim(CLAIM_ROLE);
            exp = claims.getExpirationTime();
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException("the join token's claims are malformed");
        }
        if (!isId(meetingId)) throw new InvalidTokenException("the join token names no meeting");
        if (!isId(participantId)) throw new InvalidTokenException("the join token names no participant");
        Role role = roleName == null ? null : Role.fromWire(roleName);
        if (role == null) throw new InvalidTokenException("the join token names no known role");
        if (exp == null) throw new InvalidTokenException("the join token has no expiry");

        Instant now = clock.instant();
        Instant expiresAt = exp.toInstant();
        if (!now.isBefore(expiresAt.plus(EXPIRY_LEEWAY))) {
            throw new InvalidTokenException("the join token has expired; ask for a new invitation link");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(EXPIRY_LEEWAY).isBefore(nbf.toInstant())) {
            throw new InvalidTokenException("the join token is not valid yet");
        }
        return new TokenClaims(meetingId, participantId, role, expiresAt);
    }

    /** RFC 7515 §7.1: three base64url segments separated by dots; nothing else (no spaces, no padding). */
    private static boolean isCompactShape(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64Url(c)) {
                return false;
            }
        }
        return dots == 2;
    }

    private static boolean isId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) return false;
        for (int i = 0; i < id.length(); i++) if (!isBase64Url(id.charAt(i))) return false;
        return true;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * Writes 32 fresh bytes to a temporary file created with mode 600, then renames it into place, so that a
     * crash never leaves a short secret behind and the secret is never readable by others, not even briefly.
     */
    private static void createSecretFile(Path file) throws IOException {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, SECRET_FILE, ".tmp", attributes);
        try {
            Files.write(temp, secret);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                // A plain rename would overwrite a secret another process wrote meanwhile; a link does not.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return; // someone else won the race: use theirs
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(file)) return;
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(temp, file);
                }
            }
            LOG.log(System.Logger.Level.INFO, "Created a new join-token secret in {0}", file);
        } finally {
            Files.deleteIfExists(temp);
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) return;
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(System.Logger.Level.WARNING, "{0} is readable by other users; anyone who reads it can forge "
                        + "join links. Run: chmod 600 {0}", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not worth failing the start over a warning.
        }
    }
}
