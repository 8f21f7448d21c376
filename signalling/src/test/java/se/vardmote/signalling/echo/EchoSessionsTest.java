package se.vardmote.signalling.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.Router;
import se.vardmote.media.testkit.Eventually;
import se.vardmote.media.testkit.FakeTransport;
import se.vardmote.signalling.sdp.OfferedTrack;
import se.vardmote.signalling.sdp.SdpException;

/**
 * Echo tests on a real router whose transports never touch the network: the client's own streams come back on
 * its subscribe offer; the cap over the server and the rate per source refuse (and count) what is over them; a
 * session frees its router when it ends, by the client or at the time limit.
 */
class EchoSessionsTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<FakeTransport> transports = new CopyOnWriteArrayList<>();
    private final List<Router> routers = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private EchoSessions echoes;

    private EchoSessions echoes(EchoLimits limits) {
        echoes = new EchoSessions(() -> {
            Router router = new Router(loop, receiver -> {
                FakeTransport t = new FakeTransport(loop, receiver).connected(false).sent(FakeTransport.Sent.RELEASE);
                transports.add(t);
                return t;
            });
            routers.add(router);
            return router;
        }, limits, nanos::get);
        return echoes;
    }

    @AfterEach
    void close() {
        if (echoes != null) echoes.close();
        loop.shutdownGracefully();
    }

    static String chromiumOffer() throws Exception {
        return Files.readString(Path.of(EchoSessionsTest.class.getResource("/sdp/chromium-156-offer.sdp").toURI()), StandardCharsets.UTF_8);
    }

    /** Waits until every transport made so far is closed (closing is enqueued on the router's loop). */
    private void awaitAllClosed() throws Exception {
        Eventually.eventually("every transport closed", Duration.ofSeconds(5),
                () -> transports.stream().allMatch(FakeTransport::isClosed));
    }

    @Test
    void sendsTheClientsOwnStreamsBackOnItsSubscribeOffer() throws Exception {
        EchoSession s = echoes(EchoLimits.DEFAULTS).start("203.0.113.7", chromiumOffer(), () -> { });
        assertTrue(s.publishAnswer().contains("a=setup:passive"), s.publishAnswer());
        List<OfferedTrack> tracks = s.tracks();
        assertEquals(List.of(MediaKind.AUDIO, MediaKind.VIDEO), tracks.stream().map(OfferedTrack::kind).toList());
        assertTrue(tracks.stream().allMatch(t -> t.streamId().equals("echo") && t.active()));
        assertTrue(s.subscribeOffer().contains("a=sendonly"), s.subscribeOffer());
        assertEquals(2, loop.submit(() -> routers.get(0).subscriptionCount()).get(), "one subscription per stream, to itself");
        assertEquals(2, transports.size(), "a publish and a subscribe transport");
        assertEquals(1, echoes.activeCount());

        s.subscribeAnswer(EchoAnswer.chromium(), 1);
        assertEquals("cLnT", transports.get(1).remoteUfrag, "the subscribe transport has the client's credentials");
        assertThrows(SdpException.class, () -> s.subscribeAnswer(EchoAnswer.chromium(), 1), "one answer only");

        assertTrue(s.end());
        assertFalse(s.end(), "ends once");
        awaitAllClosed();
        assertEquals(0, echoes.activeCount());
        assertTrue(routers.get(0).isClosed() || loop.submit(() -> routers.get(0).isClosed()).get());
    }

    @Test
    void refusesSessionsOverTheServersCapAndCountsThem() throws Exception {
        EchoSessions e = echoes(new EchoLimits(2, 100, Duration.ofMinutes(1)));
        EchoSession first = e.start("203.0.113.1", chromiumOffer(), () -> { });
        e.start("203.0.113.2", chromiumOffer(), () -> { });
        EchoRefused refused = assertThrows(EchoRefused.class, () -> e.start("203.0.113.3", chromiumOffer(), () -> { }));
        assertEquals("echo_busy", refused.code());
        assertEquals(2, routers.size(), "no router for the refused one");
        assertEquals(1L, e.counters().get("echo.refused.busy"));
        first.end();
        e.start("203.0.113.3", chromiumOffer(), () -> { }); // a place is free again
        assertEquals(3L, e.counters().get("echo.started"));
    }

    @Test
    void refusesASourceOverItsRateUntilItsMinuteHasPassed() throws Exception {
        EchoSessions e = echoes(new EchoLimits(100, 3, Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) e.start("203.0.113.9", chromiumOffer(), () -> { }).end();
        EchoRefused refused = assertThrows(EchoRefused.class, () -> e.start("203.0.113.9", chromiumOffer(), () -> { }));
        assertEquals("too_many_checks", refused.code());
        assertTrue(refused.getMessage().matches(".*wait \\d+ s.*"), refused.getMessage());
        e.start("203.0.113.10", chromiumOffer(), () -> { }); // another network is not limited by this one
        assertEquals(1L, e.counters().get("echo.refused.too_many_checks"));
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        e.start("203.0.113.9", chromiumOffer(), () -> { });
        assertEquals(0, e.counters().get("echo.refused.busy"));
    }

    @Test
    void aTestAdmittedAheadOfItsOfferCountsOnceAgainstItsSource() throws Exception {
        EchoSessions e = echoes(new EchoLimits(100, 3, Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) {
            e.admit("203.0.113.11");
            e.start("203.0.113.11", chromiumOffer(), () -> { }, true).end();
        }
        EchoRefused refused = assertThrows(EchoRefused.class, () -> e.admit("203.0.113.11"));
        assertEquals("too_many_checks", refused.code());
        assertThrows(EchoRefused.class, () -> e.start("203.0.113.11", chromiumOffer(), () -> { }),
                "nor is an offer without admission taken");
        assertEquals(3L, e.counters().get("echo.started"));
    }

    @Test
    void admitsNoTestWhileTheServerRunsItsMost() throws Exception {
        EchoSessions e = echoes(new EchoLimits(1, 100, Duration.ofMinutes(1)));
        EchoSession running = e.start("203.0.113.12", chromiumOffer(), () -> { });
        assertEquals("echo_busy", assertThrows(EchoRefused.class, () -> e.admit("203.0.113.13")).code());
        running.end();
        e.admit("203.0.113.13");
        assertEquals(1L, e.counters().get("echo.refused.busy"));
    }

    @Test
    void endsAtTheTimeLimitAndSaysSo() throws Exception {
        EchoSessions e = echoes(new EchoLimits(10, 10, Duration.ofMillis(200)));
        CountDownLatch told = new CountDownLatch(1);
        EchoSession s = e.start("203.0.113.4", chromiumOffer(), told::countDown);
        assertTrue(told.await(5, TimeUnit.SECONDS), "the client is told");
        assertTrue(s.isEnded());
        awaitAllClosed();
        assertEquals(0, e.activeCount());
        assertEquals(1L, e.counters().get("echo.ended.time_limit"));
    }

    @Test
    void anEndedSessionIsNotToldOfTheTimeLimit() throws Exception {
        EchoSessions e = echoes(new EchoLimits(10, 10, Duration.ofMillis(200)));
        CountDownLatch told = new CountDownLatch(1);
        e.start("203.0.113.4", chromiumOffer(), told::countDown).end();
        assertFalse(told.await(600, TimeUnit.MILLISECONDS));
        assertEquals(0L, e.counters().get("echo.ended.time_limit"));
    }

    @Test
    void aRefusedOfferFreesItsPlaceAndItsRouter() throws Exception {
        EchoSessions e = echoes(new EchoLimits(1, 10, Duration.ofMinutes(1)));
        SdpException bad = assertThrows(SdpException.class, () -> e.start("203.0.113.5", "v=0\r\nnot an offer", () -> { }));
        assertFalse(bad.code().isEmpty());
        awaitAllClosed();
        assertTrue(loop.submit(() -> routers.get(0).isClosed()).get(), "the router is closed");
        assertEquals(0, e.activeCount());
        e.start("203.0.113.5", chromiumOffer(), () -> { }); // the one place is free
    }
}
