package se.vardmote.media.ice;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class IceLiteAgentTest {

    private final MessageIntegrity integrity = new MessageIntegrity();
    private final IceLiteAgent agent = new IceLiteAgent("srvufrag", "serverpassword0123456789", 0);
    private final StunMessage message = new StunMessage();

    private StunMessage check(String username, String password, boolean useCandidate) {
        ByteBuf out = Unpooled.buffer();
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        StunBinding.writeRequest(out, id, username, 1, useCandidate, 7, MessageIntegrity.shortTermKey(password), integrity);
        assertTrue(message.wrap(out));
        return message;
    }

    @Test
    void selectsFirstValidAddressThenFollowsNomination() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1000);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 2000);
        assertEquals(IceLiteAgent.CheckOutcome.ACCEPTED, agent.onBindingRequest(check("srvufrag:c", agent.localPassword(), false), a, integrity, 1));
        assertEquals(a, agent.selectedAddress());
        assertEquals(IceLiteAgent.CheckOutcome.ACCEPTED, agent.onBindingRequest(check("srvufrag:c", agent.localPassword(), false), b, integrity, 2));
        assertEquals(a, agent.selectedAddress(), "no nomination yet: stays on the first");
        agent.onBindingRequest(check("srvufrag:c", agent.localPassword(), true), b, integrity, 3);
        assertEquals(b, agent.selectedAddress(), "USE-CANDIDATE moves the transport (handover)");
        assertTrue(agent.isValidated(a) && agent.isValidated(b));
    }

    @Test
    void rejectsWrongPasswordAndForeignUsername() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1000);
        assertEquals(IceLiteAgent.CheckOutcome.BAD_INTEGRITY, agent.onBindingRequest(check("srvufrag:c", "nope", true), a, integrity, 1));
        assertEquals(IceLiteAgent.CheckOutcome.BAD_USERNAME, agent.onBindingRequest(check("other:c", agent.localPassword(), true), a, integrity, 1));
        agent.setRemoteUfrag("expected");
        assertEquals(IceLiteAgent.CheckOutcome.BAD_USERNAME, agent.onBindingRequest(check("srvufrag:c", agent.localPassword(), true), a, integrity, 1));
        assertEquals(IceLiteAgent.CheckOutcome.ACCEPTED, agent.onBindingRequest(check("srvufrag:expected", agent.localPassword(), true), a, integrity, 1));
    }

    @Test
    void losesConsentAfterTimeoutWithoutValidChecks() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1000);
        agent.onBindingRequest(check("srvufrag:c", agent.localPassword(), true), a, integrity, 100);
        assertFalse(agent.consentExpired(100 + 30, 30));
        assertTrue(agent.consentExpired(100 + 31, 30));
        agent.onBindingRequest(check("srvufrag:c", "bad", true), a, integrity, 200);
        assertTrue(agent.consentExpired(200, 30), "an invalid check does not refresh consent");
    }

    @Test
    void generatesCredentialsFromTheIceCharset() {
        SecureRandom r = new SecureRandom();
        String ufrag = IceLiteAgent.randomUfrag(r);
        String pwd = IceLiteAgent.randomPassword(r);
        assertEquals(8, ufrag.length());
        assertEquals(24, pwd.length());
        assertTrue((ufrag + pwd).matches("[A-Za-z0-9+/]+"));
    }
}
