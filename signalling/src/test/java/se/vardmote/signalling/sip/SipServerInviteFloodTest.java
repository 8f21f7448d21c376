package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.Cidr;

/**
 * Real SIP over UDP at a real {@link SipServer}: one address floods INVITEs. Outside the gateway networks it
 * gets 503 with Retry-After past its limit, before any digest challenge; the gateway itself is not limited.
 */
class SipServerInviteFloodTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    SipServer server;
    DatagramSocket socket;
    InetSocketAddress target;

    @BeforeEach
    void openSocket() throws Exception {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        socket.setSoTimeout(3000);
    }

    @AfterEach
    void tearDown() {
        socket.close();
        if (server != null) server.close();
    }

    void start(SipConfig config) throws Exception {
        server = SipServer.start(config, () -> new FakeCallMedia(43000), new FakeConferenceDirectory(),
                new FakePhoneAdmission(), new FakeAuditSink(), OutsiderAdmission.newInviteLimit(nanos::get));
        target = new InetSocketAddress("127.0.0.1", server.port());
    }

    /** A new INVITE (its own Call-ID) for a number nobody routes: 404 once it is let through. */
    void invite(int n) throws Exception {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        String text = "INVITE sip:9999@127.0.0.1:" + server.port() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-flood" + n + "\r\n"
                + "From: <sip:0701234567@127.0.0.1>;tag=f" + n + "\r\n"
                + "To: <sip:9999@127.0.0.1>\r\n"
                + "Call-ID: flood-" + n + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:gw@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                + "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, target));
    }

    /** The next final response, whole, skipping provisional ones. */
    String finalResponse() throws Exception {
        while (true) {
            DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (!text.startsWith("SIP/2.0 1")) return text;
        }
    }

    /** The status code of a response ("SIP/2.0 503 Service unavailable" → 503): the stack picks the words. */
    static int status(String response) {
        return Integer.parseInt(response.substring("SIP/2.0 ".length(), "SIP/2.0 ".length() + 3));
    }

    @Test
    void answers503ToAnInviteFloodFromOneSource() throws Exception {
        start(SipConfig.forTests().withGateways(List.of(Cidr.parse("192.0.2.0/24")))
                .withDigest(new DigestCredentials("gw", "s3cret", "vardmote")));
        for (int i = 0; i < OutsiderAdmission.MAX_NEW_INVITES_PER_SOURCE; i++) {
            invite(i);
            assertEquals(401, status(finalResponse()), "INVITE " + i + " is challenged");
        }
        nanos.addAndGet(java.time.Duration.ofSeconds(3).toNanos());
        invite(OutsiderAdmission.MAX_NEW_INVITES_PER_SOURCE);
        String refused = finalResponse();
        assertEquals(503, status(refused), refused);
        assertTrue(refused.contains("\r\nRetry-After: 7\r\n"), refused);
        assertTrue(!refused.contains("WWW-Authenticate"), "no challenge is made for a refused INVITE");
        assertEquals(1L, server.counters().get("refused.rate_limited"));
        assertEquals(30L, server.counters().get("digest.challenged"));

        nanos.addAndGet(java.time.Duration.ofSeconds(7).toNanos());
        invite(OutsiderAdmission.MAX_NEW_INVITES_PER_SOURCE + 1);
        assertEquals(401, status(finalResponse()), "ten seconds on, the address is heard again");
        assertEquals(0, server.activeCalls());
    }

    @Test
    void leavesTheGatewayNetworksUnlimited() throws Exception {
        start(SipConfig.forTests()); // 127.0.0.0/8 is the gateway
        for (int i = 0; i <= OutsiderAdmission.MAX_NEW_INVITES_PER_SOURCE; i++) {
            invite(i);
            assertEquals(404, status(finalResponse()), "INVITE " + i);
        }
        assertEquals(null, server.counters().get("refused.rate_limited"));
    }
}
