package se.vardmote.signalling.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.meeting.Role;

class TokenServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final String MEETING = "m2x9Qv3dT6eW0aZ1bC4dEf";
    private static final String PARTICIPANT = "p1A2b3C4d5E6f7G8h9I0jK";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static byte[] secret(int fill) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) fill);
        return s;
    }

    private static TokenService at(Instant now) {
        return new TokenService(secret(7), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static void assertRefused(TokenService tokens, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> tokens.verify(token));
        if (token != null && token.length() > 8) {
            assertFalse(e.getMessage().contains(token), "message quotes the token");
            for (String part : token.split("\\.")) {
                if (part.length() > 8) assertFalse(e.getMessage().contains(part), "message quotes part of the token");
            }
        }
    }

    @Test
    void verifiesWhatItIssued() throws Exception {
        TokenService tokens = at(NOW);
        Instant expiry = NOW.plusSeconds(3600);
        String token = tokens.issue(MEETING, PARTICIPANT, Role.INTERPRETER, expiry);
        assertTrue(token.length() < 400, "token length " + token.length());
        assertEquals(new TokenClaims(MEETING, PARTICIPANT, Role.INTERPRETER, expiry), tokens.verify(token));
    }

    @Test
    void tokenCarriesMeetingParticipantRoleAndExpiryClaims() {
        String token = at(NOW).issue(MEETING, PARTICIPANT, Role.PATIENT, NOW.plusSeconds(60));
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"mid\":\"" + MEETING + "\""), payload);
        assertTrue(payload.contains("\"sub\":\"" + PARTICIPANT + "\""), payload);
        assertTrue(payload.contains("\"role\":\"patient\""), payload);
        assertTrue(payload.contains("\"exp\":"), payload);
    }

    @Test
    void refusesTamperedToken() {
        TokenService tokens = at(NOW);
        String token = tokens.issue(MEETING, PARTICIPANT, Role.PATIENT, NOW.plusSeconds(3600));
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String promoted = B64.encodeToString(payload.replace("\"patient\"", "\"clinician\"").getBytes(StandardCharsets.UTF_8));
        assertRefused(tokens, parts[0] + "." + promoted + "." + parts[2]);
        char last = parts[2].charAt(0);
        assertRefused(tokens, parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1));
        assertRefused(tokens, parts[0] + "." + parts[1] + ".");
    }

    @Test
    void refusesExpiredTokenBeyondLeeway() throws Exception {
        Instant expiry = NOW.plusSeconds(600);
        String token = at(NOW).issue(MEETING, PARTICIPANT, Role.PATIENT, expiry);
        at(expiry.plusSeconds(10)).verify(token); // within the 30 s leeway
        assertRefused(at(expiry.plus(TokenService.EXPIRY_LEEWAY)), token);
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> at(expiry.plusSeconds(3600)).verify(token));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void refusesAlgNoneToken() {
        TokenService tokens = at(NOW);
        String token = tokens.issue(MEETING, PARTICIPANT, Role.CLINICIAN, NOW.plusSeconds(3600));
        String payload = token.split("\\.")[1];
        String none = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(tokens, none + "." + payload + ".");
        String noneUpper = B64.encodeToString("{\"alg\":\"NONE\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(tokens, noneUpper + "." + payload + ".");
    }

    @Test
    void refusesOtherHmacAlgorithmsEvenWithTheRightKey() throws Exception {
        // An HS512 token signed with our own secret is still not one we issue.
        var header = new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS512);
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(PARTICIPANT).claim("mid", MEETING)
                .claim("role", "clinician").expirationTime(java.util.Date.from(NOW.plusSeconds(60))).build();
        var jwt = new com.nimbusds.jwt.SignedJWT(header, claims);
        byte[] key = new byte[64];
        System.arraycopy(secret(7), 0, key, 0, 32);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(key));
        assertRefused(at(NOW), jwt.serialize());
    }

    @Test
    void refusesTokenSignedWithAnotherSecret() {
        String token = new TokenService(secret(9), Clock.fixed(NOW, ZoneOffset.UTC))
                .issue(MEETING, PARTICIPANT, Role.PATIENT, NOW.plusSeconds(3600));
        assertRefused(at(NOW), token);
    }

    @Test
    void refusesTokensMissingRequiredClaims() throws Exception {
        var signer = new com.nimbusds.jose.crypto.MACSigner(secret(7));
        var exp = java.util.Date.from(NOW.plusSeconds(60));
        var base = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(PARTICIPANT).claim("mid", MEETING)
                .claim("role", "patient").expirationTime(exp);
        com.nimbusds.jwt.JWTClaimsSet[] broken = {
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).expirationTime(null).build(),
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).claim("mid", null).build(),
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).subject(null).build(),
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).claim("role", "admin").build(),
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).claim("role", 3).build(),
            new com.nimbusds.jwt.JWTClaimsSet.Builder(base.build()).claim("mid", "../etc/passwd").build(),
        };
        for (var claims : broken) {
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
            jwt.sign(signer);
            assertRefused(at(NOW), jwt.serialize());
        }
    }

    @Test
    void refusesMalformedAndOversizedTokens() {
        TokenService tokens = at(NOW);
        assertRefused(tokens, null);
        assertRefused(tokens, "");
        assertRefused(tokens, "not a token");
        assertRefused(tokens, "a.b");
        assertRefused(tokens, "a.b.c.d.e");
        assertRefused(tokens, "eyJhbGciOiJIUzI1NiJ9.e30.");
        String token = tokens.issue(MEETING, PARTICIPANT, Role.PATIENT, NOW.plusSeconds(60));
        assertRefused(tokens, " " + token);
        assertRefused(tokens, token + "A".repeat(TokenService.MAX_TOKEN_CHARS));
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new TokenService(new byte[31], Clock.systemUTC()));
    }

    @Test
    void createsSecretFileWithMode600AndReusesIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data/nested");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TokenService first = TokenService.fromDataDirectory(data, clock);
        Path file = data.resolve("token-secret");
        byte[] secret = Files.readAllBytes(file);
        assertEquals(32, secret.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var listing = Files.list(data)) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }

        String token = first.issue(MEETING, PARTICIPANT, Role.CLINICIAN, NOW.plusSeconds(60));
        TokenService second = TokenService.fromDataDirectory(data, clock);
        assertArrayEquals(secret, Files.readAllBytes(file));
        assertEquals(PARTICIPANT, second.verify(token).participantId());
    }

    @Test
    void refusesShortSecretFile(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("token-secret"), new byte[10]);
        assertThrows(java.io.IOException.class, () -> TokenService.fromDataDirectory(dir, Clock.systemUTC()));
    }
}
