package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.media.testkit.Eventually.eventually;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.Cidr;

/**
 * Real SIP digest: sipp (its built-in MD5 digest) plays a gateway outside the allowed networks
 * (gateways 10.0.0.0/8, so 127.0.0.1 is outside) against a real {@link SipServer} with credentials.
 */
class SipServerDigestSippTest {

    static final String ID = SipServerSippTest.ID;
    /** MD5 first: sipp answers only the first challenge and knows only MD5 (as some older gateways). */
    static final DigestCredentials CREDENTIALS = new DigestCredentials("gateway-1", "right-pass 1", "vardmote",
            List.of("MD5", "SHA-256"));

    @TempDir Path dir;
    final FakeDialIn fakes = new FakeDialIn(42000);
    final List<FakeCallMedia> medias = fakes.medias;
    final FakePhoneAdmission admission = fakes.admission;
    SipServer server;
    Sipp sipp;

    @BeforeEach
    void setUp() throws Exception {
        Sipp.requireInstalled();
        sipp = new Sipp(dir);
    }

    @AfterEach
    void tearDown() {
        if (sipp != null) sipp.kill();
        fakes.close();
    }

    void start(DigestCredentials credentials) throws Exception {
        SipConfig config = SipConfig.forTests().withGateways(List.of(Cidr.parse("10.0.0.0/8"))).withDigest(credentials);
        server = fakes.start(config);
    }

    Sipp.Result call(String scenario, String transport, String user, String password) throws Exception {
        sipp.start(scenario, server.port(), ID, transport, Map.of(), options(user, password));
        return sipp.await();
    }

    /**
     * sipp's digest uri is {@code sip:remote_ip:remote_port} unless {@code -auth_uri} names the
     * Request-URI (without its "sip:", which sipp adds), as the server requires (RFC 2617 §3.2.2.5).
     */
    List<String> options(String user, String password) {
        return List.of("-au", user, "-ap", password, "-auth_uri", ID + "@127.0.0.1:" + server.port());
    }

    @Test
    void digestUriOtherThanTheRequestUriIsForbidden() throws Exception {
        start(CREDENTIALS);
        sipp.start("digest-wrong-password.xml", server.port(), ID, "u1", Map.of(), List.of("-au", "gateway-1", "-ap", "right-pass 1"));
        SipServerSippTest.assertSucceeded(sipp.await());
        assertEquals(1L, server.counters().get("refused.bad_credentials"));
    }

    @Test
    void rightCredentialsGetInAndTheByeFollowsTheCall() throws Exception {
        start(CREDENTIALS);
        SipServerSippTest.assertSucceeded(call("digest-dial.xml", "u1", "gateway-1", "right-pass 1"));
        eventually("the seat to be released", SipServerSippTest.WAIT, () -> admission.leaves.get() == 1);
        Map<String, Long> c = server.counters();
        assertEquals(1L, c.get("digest.challenged"));
        assertEquals(1L, c.get("digest.accepted"));
        assertEquals(1L, c.get("bye.caller"), "the BYE in the dialog needs no new challenge");
        assertNull(c.get("refused.bad_credentials"));
        assertNull(c.get("refused.not_allowed"));
    }

    @Test
    void rightCredentialsOverTcpToo() throws Exception {
        start(CREDENTIALS);
        SipServerSippTest.assertSucceeded(call("digest-dial.xml", "t1", "gateway-1", "right-pass 1"));
        eventually("the seat to be released", SipServerSippTest.WAIT, () -> admission.leaves.get() == 1);
    }

    @Test
    void wrongPasswordIsForbidden() throws Exception {
        start(CREDENTIALS);
        SipServerSippTest.assertSucceeded(call("digest-wrong-password.xml", "u1", "gateway-1", "wrong-pass 1"));
        assertTrue(medias.isEmpty());
        assertTrue(admission.callers.isEmpty());
        assertEquals(1L, server.counters().get("refused.bad_credentials"));
    }

    @Test
    void wrongUserIsForbidden() throws Exception {
        start(CREDENTIALS);
        SipServerDigestSippTest.this.sipp.start("digest-wrong-password.xml", server.port(), ID, "u1", Map.of(),
                options("someone-else", "right-pass 1"));
        SipServerSippTest.assertSucceeded(sipp.await());
        assertEquals(1L, server.counters().get("refused.bad_credentials"));
    }

    @Test
    void withoutDigestConfiguredOutsidersStillGet403() throws Exception {
        start(null);
        SipServerSippTest.assertSucceeded(call("forbidden.xml", "u1", "gateway-1", "right-pass 1"));
        assertEquals(1L, server.counters().get("refused.not_allowed"));
        assertNull(server.counters().get("digest.challenged"));
    }
}
