package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Raw datagrams at a real {@link SipServer}: garbage is dropped or answered 400, never a crash. */
class SipServerMalformedInputTest {

    SipServer server;
    DatagramSocket socket;
    InetSocketAddress target;

    @BeforeEach
    void setUp() throws Exception {
        server = SipServer.start(SipConfig.forTests(), () -> new FakeCallMedia(42000), new FakeConferenceDirectory(),
                new FakePhoneAdmission(), new FakeAuditSink());
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        socket.setSoTimeout(3000);
        target = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void tearDown() {
        socket.close();
        server.close();
    }

    String request(String method, String callId, String extraHeaders, String body) {
        return method + " sip:1000@127.0.0.1:" + server.port() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-" + callId + method + "\r\n"
                + "From: <sip:0701234567@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:1000@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Max-Forwards: 70\r\n" + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    void send(String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, target));
    }

    void sendBytes(byte[] b) throws Exception {
        socket.send(new DatagramPacket(b, b.length, target));
    }

    /** The status line of the next response, skipping provisional ones. */
    String finalStatus() throws Exception {
        while (true) {
            DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            String status = text.substring(0, text.indexOf("\r\n"));
            if (!status.startsWith("SIP/2.0 1")) return status;
        }
    }

    @Test
    void survivesGarbageAndKeepsAnswering() throws Exception {
        sendBytes(new byte[] {0x16, (byte) 0xfe, (byte) 0xfd, 0, 0, 1, 2, 3});
        sendBytes(new byte[0]);
        send("INVITE sip:1000@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\nCSeq: x\r\n\r\n");
        send(request("INVITE", "huge", "Content-Type: application/sdp\r\n", "v=0\r\n" + "a=x\r\n".repeat(2000)).substring(0, 8000));
        drain();
        send(request("OPTIONS", "after-garbage", "", ""));
        assertEquals("SIP/2.0 200 OK", finalStatus());
        assertEquals(0, server.activeCalls());
    }

    @Test
    void sdpOverItsLimitIs488() throws Exception {
        String huge = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n" + "a=x\r\n".repeat(2000);
        send(request("INVITE", "huge-sdp", "Content-Type: application/sdp\r\nContact: <sip:gw@127.0.0.1>\r\n", huge));
        assertTrue(finalStatus().startsWith("SIP/2.0 488"));
    }

    @Test
    void infoOutsideACallIs481() throws Exception {
        send(request("INFO", "no-such-call", "Content-Type: application/dtmf\r\n", "5"));
        assertTrue(finalStatus().startsWith("SIP/2.0 481"));
    }

    @Test
    void otherMethodsAre405() throws Exception {
        send(request("MESSAGE", "msg", "Content-Type: text/plain\r\n", "hej"));
        assertTrue(finalStatus().startsWith("SIP/2.0 405"));
    }

    @Test
    void inviteWithoutSdpIs488() throws Exception {
        send(request("INVITE", "late-offer", "Contact: <sip:gw@127.0.0.1:" + socket.getLocalPort() + ">\r\n", ""));
        assertTrue(finalStatus().startsWith("SIP/2.0 488"));
    }

    private void drain() throws Exception {
        socket.setSoTimeout(500);
        try {
            while (true) socket.receive(new DatagramPacket(new byte[8192], 8192));
        } catch (SocketTimeoutException done) {
            socket.setSoTimeout(3000);
        }
    }
}
