package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.media.testkit.Eventually.eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.Cidr;
import se.vardmote.signalling.meeting.ConferenceId;
import se.vardmote.signalling.meeting.Role;

/**
 * Real SIP: sipp plays the telephony gateway against a real {@link SipServer} on 127.0.0.1, with fakes
 * for media, meetings and rooms. RFC 4733 digits need the real phone leg and are tested end to end with it.
 */
class SipServerSippTest {

    /** How long a SIP exchange's effects may take to show. */
    static final Duration WAIT = Duration.ofSeconds(10);

    static final String ID = ConferenceId.generate(new Random(11));
    static final String MASKED = "Telefon ••• 4567"; // sipp's From is 0701234567

    @TempDir Path dir;
    final FakeDialIn fakes = new FakeDialIn(41000);
    final List<FakeCallMedia> medias = fakes.medias;
    final FakePhoneAdmission admission = fakes.admission;
    final FakeAuditSink audit = fakes.audit;
    SipServer server;
    Sipp sipp;

    @BeforeEach
    void setUp() {
        Sipp.requireInstalled();
        sipp = new Sipp(dir);
    }

    @AfterEach
    void tearDown() {
        if (sipp != null) sipp.kill();
        fakes.close();
    }

    void start(SipConfig config) throws Exception {
        server = fakes.start(config);
    }

    Sipp.Result call(String scenario, String service) throws Exception {
        return call(scenario, service, "u1", Map.of());
    }

    Sipp.Result call(String scenario, String service, String transport, Map<String, String> keys) throws Exception {
        sipp.start(scenario, server.port(), service, transport, keys);
        return sipp.await();
    }

    static Map<String, String> idKeys() {
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < 9; i++) keys.put("d" + (i + 1), String.valueOf(ID.charAt(i)));
        for (int i = 0; i < 4; i++) keys.put("p" + (i + 1), String.valueOf(FakeConferenceDirectory.PIN.charAt(i)));
        return keys;
    }

    static void assertSucceeded(Sipp.Result r) {
        assertEquals(0, r.exitCode(), () -> "sipp failed:\n" + r.errors());
    }

    @Test
    void directDialReachesTheMeetingAndHangingUpReleasesTheSeat() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("direct-dial.xml", ID));
        eventually("the seat to be released", WAIT, () -> admission.leaves.get() == 1);
        FakePhoneAdmission.Admitted a = admission.last();
        assertEquals(Role.INTERPRETER, a.caller().role());
        assertEquals(DialRoute.DIRECT, a.caller().route());
        assertEquals(MASKED, a.caller().displayName());
        FakeCallMedia media = medias.get(0);
        assertEquals("PCMA/8", media.codec(), "the gateway's first G.711 choice");
        assertEquals(101, media.telephoneEvent());
        assertEquals("127.0.0.1", media.remote().getHostString());
        eventually("the media to close", WAIT, media::closed);
        assertEquals(List.of("dial_in m-" + ID + " interpreter direct " + MASKED), audit.events);
        eventually("the call to end", WAIT, () -> server.activeCalls() == 0);
        assertEquals(1L, server.counters().get("bye.caller"));
    }

    @Test
    void directDialOverTcpWorksToo() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("direct-dial.xml", ID, "t1", Map.of()));
        eventually("the seat to be released", WAIT, () -> admission.leaves.get() == 1);
    }

    @Test
    void videoPrefixAndIdReachTheMeetingAsAVideoSystem() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("direct-dial.xml", "88" + ID));
        assertEquals(DialRoute.VIDEO_SYSTEM, admission.last().caller().route());
        assertEquals(List.of("dial_in m-" + ID + " interpreter video-system " + MASKED), audit.events);
    }

    @Test
    void ivrTakesTheIdByBothSipInfoFormats() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("ivr-sip-info.xml", "1000", "u1", idKeys()));
        FakePhoneAdmission.Admitted a = admission.last();
        assertEquals(Role.INTERPRETER, a.caller().role());
        assertEquals(DialRoute.IVR, a.caller().route());
        assertTrue(medias.get(0).played().contains("sv/welcome"));
        assertEquals(11L, server.counters().get("info.dtmf"));
        eventually("the seat to be released", WAIT, () -> admission.leaves.get() == 1);
    }

    @Test
    void aDigitWhoseInfoOvertakesTheAckIsNotLost() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("ivr-info-before-ack.xml", "1000", "u1", idKeys()));
        assertEquals(Role.INTERPRETER, admission.last().caller().role(), "all nine digits counted: the id was found");
        assertEquals(11L, server.counters().get("info.dtmf"));
    }

    @Test
    void ivrNumberChoosesThePromptLanguage() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("ivr-sip-info.xml", "1001", "u1", idKeys()));
        assertTrue(medias.get(0).played().contains("en/welcome"));
    }

    @Test
    void threeWrongIdsEndWithGoodbyeAndTheServersBye() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("ivr-three-wrong-ids.xml", "1000"));
        assertTrue(admission.callers.isEmpty());
        assertTrue(medias.get(0).played().contains("sv/goodbye"));
        eventually("the media to close", WAIT, medias.get(0)::closed);
        assertEquals(1L, server.counters().get("bye.server"));
    }

    @Test
    void wrongThenRightLeaderPinAdmitsAsClinician() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("se.vardmote.signalling.sip");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { logged.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        jul.addHandler(handler);
        try {
            start(SipConfig.forTests());
            assertSucceeded(call("ivr-leader-pin.xml", "1000", "u1", idKeys()));
        } finally {
            jul.removeHandler(handler);
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains(MASKED)), "calls are logged, masked");
        assertTrue(logged.stream().noneMatch(l -> l.contains("0701234567") || l.contains(FakeConferenceDirectory.PIN)
                || l.contains(ID)), () -> "no number, PIN or keyed id in the log: " + logged);
        assertEquals(Role.CLINICIAN, admission.last().caller().role());
        assertEquals(List.of("pin_failed m-" + ID + " " + MASKED, "dial_in m-" + ID + " clinician ivr " + MASKED), audit.events);
    }

    @Test
    void endOfTheMeetingSendsBye() throws Exception {
        start(SipConfig.forTests());
        sipp.start("server-ends-call.xml", server.port(), ID, "u1", Map.of());
        eventually("the caller to be admitted", WAIT, () -> admission.last() != null);
        admission.last().listener().removed("meeting ended");
        assertSucceeded(sipp.await());
        eventually("the media to close", WAIT, medias.get(0)::closed);
        assertEquals(0, server.activeCalls());
    }

    @Test
    void holdReInviteIsAnsweredRecvonly() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("hold-reinvite.xml", ID));
        assertEquals(1, admission.callers.size(), "a re-INVITE is not a new call");
    }

    @Test
    void inviteFromOutsideTheGatewayNetworksIsForbidden() throws Exception {
        start(SipConfig.forTests().withGateways(List.of(Cidr.parse("10.0.0.0/8"))));
        assertSucceeded(call("forbidden.xml", ID));
        assertTrue(medias.isEmpty());
        assertTrue(admission.callers.isEmpty());
        assertEquals(1L, server.counters().get("refused.not_allowed"));
    }

    @Test
    void unknownNumberIsNotFound() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("not-found.xml", "4711"));
        assertTrue(medias.isEmpty());
    }

    @Test
    void optionsIsAnsweredWithAllowAndAccept() throws Exception {
        start(SipConfig.forTests());
        assertSucceeded(call("options.xml", "1000"));
    }

    @Test
    void cancelWhileRingingIsAnswered487() throws Exception {
        start(SipConfig.forTests().withAnswerDelay(Duration.ofSeconds(5)));
        assertSucceeded(call("cancel.xml", ID));
        eventually("the media to close", WAIT, () -> !medias.isEmpty() && medias.get(0).closed());
        assertTrue(admission.callers.isEmpty());
        assertEquals(1L, server.counters().get("cancelled"));
    }
}
