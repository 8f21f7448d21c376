package se.vardmote.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnServersTest {
    static final String SECRET = "a-secret-of-sixteen+";
    final TurnServers turn = new TurnServers(List.of("turn:127.0.0.1:3478?transport=udp"), SECRET);
    final Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void passwordIsTheBase64HmacSha1OfTheUsernameAsCoturnChecksIt() {
        // openssl dgst -sha1 -hmac 'a-secret-of-sixteen+' -binary <<< '1700000000:0a1b2c3d4e5f' (no newline) | base64
        assertEquals("B/PJsl3klT9RHkYysrAetpGkj00=", TurnServers.password(SECRET, "1700000000:0a1b2c3d4e5f"));
    }

    @Test
    void credentialsExpireWithTheJoinLinkAndNameNobody() {
        Instant linkExpires = now.plusSeconds(3600);
        SignallingConfig.IceServer s = turn.credentials(linkExpires, now);
        assertEquals(turn.urls(), s.urls());
        assertTrue(s.username().matches(linkExpires.getEpochSecond() + ":[0-9a-f]{12}"), s.username());
        assertEquals(TurnServers.password(SECRET, s.username()), s.credential());
        assertNotEquals(s.username(), turn.credentials(linkExpires, now).username(), "a fresh tag per join");
    }

    @Test
    void aJoinJustBeforeItsLinkExpiresStillGetsMinutesOfRelay() {
        SignallingConfig.IceServer s = turn.credentials(now.plusSeconds(5), now);
        assertTrue(s.username().startsWith(now.plus(TurnServers.MIN_VALIDITY).getEpochSecond() + ":"), s.username());
    }

    @Test
    void checkCredentialsLiveOnlyAsLongAsAsked() {
        SignallingConfig.IceServer s = turn.credentialsValidFor(Duration.ofSeconds(120), now);
        assertEquals(turn.urls(), s.urls());
        assertTrue(s.username().matches(now.plusSeconds(120).getEpochSecond() + ":[0-9a-f]{12}"), s.username());
        assertEquals(TurnServers.password(SECRET, s.username()), s.credential());
    }

    @Test
    void refusesWhatCannotWorkAndNeverShowsTheSecret() {
        assertThrows(IllegalArgumentException.class, () -> new TurnServers(List.of("stun:127.0.0.1"), SECRET));
        assertThrows(IllegalArgumentException.class, () -> new TurnServers(List.of("turn:127.0.0.1"), "short"));
        assertFalse(turn.toString().contains(SECRET), turn.toString());
        SignallingConfig.IceServer s = turn.credentials(now, now);
        assertFalse(s.toString().contains(s.credential()), s.toString());
        assertFalse(TurnServers.NONE.configured());
    }
}
