package se.vardmote.signalling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.TurnServers;
import se.vardmote.signalling.room.AuditSink;
import se.vardmote.signalling.room.JoinWindow;

/**
 * The echo test over the WebSocket protocol, before any join: {@code echo} is answered with {@code publishAnswer}
 * and a {@code subscribeOffer} of the client's own tracks; the session ends with the connection, {@code leave},
 * a {@code join}, or at its time limit ({@code echoEnded}); refusals and malformed messages are {@code error}s
 * that leave the connection open. The ICE servers asked for before it ({@code echoIceServers}) carry TURN
 * credentials that outlive the test by a minute, and count as its start against the address's limit.
 */
class ClientSessionEchoTest {
    @TempDir
    Path dir;
    LiveRoomsFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new LiveRoomsFixture(dir, JoinWindow.ALWAYS, AuditSink.NONE);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static final String TURN_SECRET = "a-secret-of-sixteen+";
    private static final SignallingConfig WITH_TURN = new SignallingConfig(8, List.of(), new TurnServers(
            List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"), TURN_SECRET));

    /** base64(HMAC-SHA1(secret, username)): what coturn's use-auth-secret expects. */
    private static String turnPassword(String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode echo(String sdp) {
        ObjectNode m = LiveRoomsFixture.msg("echo");
        m.put("sdp", sdp);
        return m;
    }

    private LiveRoomsFixture.Client echoing(Object source) throws Exception {
        LiveRoomsFixture.Client c = f.client(source);
        c.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals(List.of("publishAnswer", "subscribeOffer"), c.types(), c.received.toString());
        return c;
    }

    private void awaitOpenTransports(long n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.openTransports() != n && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(n, f.openTransports());
    }

    @Test
    void answersThePublishAndOffersTheClientsOwnTracksBack() throws Exception {
        LiveRoomsFixture.Client c = echoing("203.0.113.20");
        JsonNode answer = c.last("publishAnswer");
        assertTrue(answer.get("sdp").asText().contains("a=ice-lite"));
        assertEquals(1, answer.get("echoSeconds").asLong());
        JsonNode offer = c.last("subscribeOffer");
        assertEquals(1, offer.get("version").asLong());
        assertEquals(2, offer.get("tracks").size());
        for (JsonNode t : offer.get("tracks")) assertEquals("echo", t.get("participantId").asText());

        ObjectNode reply = LiveRoomsFixture.msg("subscribeAnswer");
        reply.put("sdp", se.vardmote.signalling.echo.EchoAnswer.chromium());
        reply.put("version", 1);
        c.send(reply);
        assertEquals(List.of("publishAnswer", "subscribeOffer"), c.types(), "the answer is taken silently");
        assertEquals(0, f.rooms.roomCount(), "no room, no meeting");

        c.send(LiveRoomsFixture.msg("ping"));
        assertEquals("pong", c.lastMessage().path("type").asText());
        c.session.onClose();
        awaitOpenTransports(0);
    }

    @Test
    void leaveEndsTheEchoAndTheConnection() throws Exception {
        LiveRoomsFixture.Client c = echoing("203.0.113.21");
        awaitOpenTransports(2);
        c.send(LiveRoomsFixture.msg("leave"));
        assertEquals("left", c.lastMessage().path("type").asText());
        assertTrue(c.closed);
        awaitOpenTransports(0);
    }

    @Test
    void aSecondEchoReplacesTheFirst() throws Exception {
        LiveRoomsFixture.Client c = echoing("203.0.113.22");
        c.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals(List.of("publishAnswer", "subscribeOffer", "publishAnswer", "subscribeOffer"), c.types());
        awaitOpenTransports(2);
        c.session.onClose();
        awaitOpenTransports(0);
    }

    @Test
    void endsAtItsTimeLimitAndTellsTheClient() throws Exception {
        LiveRoomsFixture.Client c = echoing("203.0.113.23");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!c.types().contains("echoEnded") && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals("time_limit", c.last("echoEnded").get("reason").asText());
        assertFalse(c.closed, "the connection stays");
        awaitOpenTransports(0);
        ObjectNode reply = LiveRoomsFixture.msg("subscribeAnswer");
        reply.put("sdp", "v=0");
        reply.put("version", 1);
        c.send(reply);
        assertEquals("not_joined", c.lastError(), "nothing left to answer");
    }

    @Test
    void refusesOverTheCapAndOverTheRateWithoutClosing() throws Exception {
        LiveRoomsFixture.Client a = echoing("203.0.113.30");
        LiveRoomsFixture.Client b = echoing("203.0.113.31");
        LiveRoomsFixture.Client c = f.client("203.0.113.32");
        c.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals("echo_busy", c.lastError());
        assertFalse(c.closed);
        a.session.onClose();
        b.session.onClose();

        LiveRoomsFixture.Client d = f.client("203.0.113.33");
        for (int i = 0; i < LiveRoomsFixture.ECHO_LIMITS.perSourcePerMinute(); i++) {
            d.send(echo(LiveRoomsFixture.chromiumOffer()));
            assertEquals("subscribeOffer", d.lastMessage().path("type").asText());
        }
        d.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals("too_many_checks", d.lastError());
        assertFalse(d.closed);
        assertEquals(1L, f.echoes.counters().get("echo.refused.busy"));
        assertEquals(1L, f.echoes.counters().get("echo.refused.too_many_checks"));
        d.session.onClose();
        awaitOpenTransports(0);
    }

    @Test
    void malformedEchoesGetAnErrorAndChangeNothing() throws Exception {
        LiveRoomsFixture.Client c = f.client("203.0.113.40");
        c.session.onMessage("{\"type\":\"echo\"}");
        assertEquals("bad_message", c.lastError());
        c.session.onMessage("{\"type\":\"echo\",\"sdp\":42}");
        assertEquals("bad_message", c.lastError());
        c.session.onMessage("{\"type\":\"echo\",\"sdp\":\"" + "x".repeat(70_000) + "\"}");
        assertEquals("message_too_large", c.lastError());
        c.send(echo("v=0\r\nthis is no offer\r\n"));
        assertEquals("sdp_rejected", c.lastError());
        ObjectNode noVersion = LiveRoomsFixture.msg("subscribeAnswer");
        noVersion.put("sdp", "v=0");
        c.send(noVersion);
        assertEquals("not_joined", c.lastError(), "no echo, no answer");
        assertFalse(c.closed);
        assertEquals(0, f.echoes.activeCount());

        LiveRoomsFixture.Client d = echoing("203.0.113.41");
        d.send(noVersion);
        assertEquals("bad_message", d.lastError(), "an answer needs its version");
        ObjectNode wrong = LiveRoomsFixture.msg("subscribeAnswer");
        wrong.put("sdp", "v=0");
        wrong.put("version", 7);
        d.send(wrong);
        assertEquals("sdp_rejected", d.lastError());
        assertFalse(d.closed);
        d.session.onClose();
    }

    @Test
    void theChecksIceServersCarryTurnCredentialsForAMinuteOrSoWhenTurnIsConfigured() throws Exception {
        LiveRoomsFixture.Client c = f.client("203.0.113.60", WITH_TURN);
        long before = Instant.now().getEpochSecond();
        c.send(LiveRoomsFixture.msg("echoIceServers"));
        long after = Instant.now().getEpochSecond();
        JsonNode servers = c.last("echoIceServers").get("iceServers");
        assertEquals(1, servers.size(), servers.toString());
        JsonNode turn = servers.get(0);
        List<String> urls = new ArrayList<>();
        turn.get("urls").forEach(u -> urls.add(u.asText()));
        assertEquals(WITH_TURN.turn().urls(), urls);
        String username = turn.get("username").asText();
        assertTrue(username.matches("\\d+:[0-9a-f]{12}"), "an expiry and a random tag, nothing of any visit: " + username);
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long validity = LiveRoomsFixture.ECHO_LIMITS.maxDuration().plus(ClientSession.ECHO_TURN_MARGIN).toSeconds();
        assertTrue(expiry >= before + validity - 1 && expiry <= after + validity + 1,
                "valid for the echo test's longest run and a minute: " + (expiry - after) + " s");
        assertEquals(turnPassword(username), turn.get("credential").asText(), "the password coturn derives");

        c.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals(List.of("echoIceServers", "publishAnswer", "subscribeOffer"), c.types());
        c.session.onClose();
        awaitOpenTransports(0);
    }

    @Test
    void withoutTurnTheChecksIceServersAreNone() throws Exception {
        LiveRoomsFixture.Client c = f.client("203.0.113.61");
        c.send(LiveRoomsFixture.msg("echoIceServers"));
        assertEquals(0, c.last("echoIceServers").get("iceServers").size());
    }

    @Test
    void aTestWhoseIceServersWereAskedForCountsOnceAndNoCredentialsComeOverTheLimit() throws Exception {
        LiveRoomsFixture.Client c = f.client("203.0.113.62", WITH_TURN);
        for (int i = 0; i < LiveRoomsFixture.ECHO_LIMITS.perSourcePerMinute(); i++) {
            c.send(LiveRoomsFixture.msg("echoIceServers"));
            assertEquals("echoIceServers", c.lastMessage().path("type").asText());
            c.send(echo(LiveRoomsFixture.chromiumOffer()));
            assertEquals("subscribeOffer", c.lastMessage().path("type").asText(), "the echo is not counted again");
        }
        c.send(LiveRoomsFixture.msg("echoIceServers"));
        assertEquals("too_many_checks", c.lastError());
        assertEquals(LiveRoomsFixture.ECHO_LIMITS.perSourcePerMinute(),
                c.types().stream().filter("echoIceServers"::equals).count(), "no credentials over the limit");
        c.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals("too_many_checks", c.lastError(), "nor an echo");
        assertFalse(c.closed);
        c.session.onClose();
        awaitOpenTransports(0);
    }

    @Test
    void noEchoDuringAVisitAndAJoinEndsTheEcho() throws Exception {
        List<String> tokens = f.book("two-party", false, "clinician", "patient");
        LiveRoomsFixture.Client joined = f.joined(tokens.get(0));
        joined.send(echo(LiveRoomsFixture.chromiumOffer()));
        assertEquals("already_joined", joined.lastError());
        joined.send(LiveRoomsFixture.msg("echoIceServers"));
        assertEquals("already_joined", joined.lastError(), "a visit's ICE servers came with joined");

        LiveRoomsFixture.Client c = echoing("203.0.113.50");
        awaitOpenTransports(2);
        ObjectNode join = LiveRoomsFixture.msg("join");
        join.put("token", tokens.get(1));
        c.send(join);
        assertEquals("joined", c.lastMessage().path("type").asText());
        awaitOpenTransports(0);
    }
}
