package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.media.testkit.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.sip.SipConfig;

/**
 * Dial-in through the whole server: sipp is the gateway's SIP side, this test its RTP side, keying the
 * conference ID as RFC 4733 telephone-events into the real phone leg and IVR, and the caller ends up in
 * the meeting's room.
 */
class DialInTest {

    /** How long the server may take to seat or free a caller. */
    private static final Duration SERVER_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private VardmoteServer server;

    @BeforeEach
    void start() throws Exception {
        SippCall.requireSipp();
        server = VardmoteServer.start(ServerConfig.forTests(dir.resolve("data")), SipConfig.forTests());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void aCallerKeysTheConferenceIdWithRfc4733DigitsAndJoinsTheRoom() throws Exception {
        String conferenceId = TestBooking.book(server, "group", false, "clinician").get("conferenceId").asText();
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // 1000: the Swedish IVR number of SipConfig.forTests()
            SippCall sipp = SippCall.start(dir, "ivr-rfc4733.xml", "1000", server.sipPort(), rtp.getLocalPort());
            try {
                // Symmetric RTP: the server's prompt tells us where its phone leg is.
                rtp.setSoTimeout(10_000);
                DatagramPacket first = new DatagramPacket(new byte[1500], 1500);
                rtp.receive(first);
                InetSocketAddress leg = (InetSocketAddress) first.getSocketAddress();
                Thread.sleep(500);
                TelephoneEvents keys = new TelephoneEvents(rtp, leg);
                for (char digit : (conferenceId + "#").toCharArray()) keys.press(digit);
                Thread.sleep(1000);
                keys.press('#'); // not the leader: join as interpreter
                eventually("the caller to be seated", SERVER_WAIT, () -> server.signalling().participantCount() == 1);
                assertEquals(1, server.signalling().roomCount());
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("vardmote_sip_events_total{name=\"answered\"} 1.0"), metrics);
                assertTrue(metrics.contains("vardmote_sip_events_total{name=\"pin.failed\"} 0.0"), metrics);
                assertTrue(metrics.contains("vardmote_participants_connected{role=\"interpreter\",transport=\"phone\"} 1.0"), metrics);
            } finally {
                assertEquals(0, sipp.await(), "sipp: " + sipp.output());
            }
            eventually("the seat to be freed after the caller's BYE", SERVER_WAIT,
                    () -> server.signalling().roomCount() == 0);
        }
    }

    @Test
    void cancellingTheMeetingHangsUpOnTheCaller() throws Exception {
        JsonNode meeting = TestBooking.book(server, "group", false, "clinician");
        SippCall sipp = SippCall.start(dir, "server-ends-call.xml", meeting.get("conferenceId").asText(), server.sipPort(), -1);
        try {
            eventually("the caller to be seated", SERVER_WAIT, () -> server.signalling().participantCount() == 1);
            HttpResponse<String> cancelled = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/meetings/" + meeting.get("meetingId").asText()))
                            .header("Authorization", "Bearer " + server.apiKey()).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, cancelled.statusCode(), cancelled.body());
        } finally {
            assertEquals(0, sipp.await(), "sipp expected the server's BYE: " + sipp.output());
        }
        assertEquals(0, server.signalling().roomCount());
    }

    /** RFC 4733 key presses at an 8 kHz clock, payload type 101 as the gateway's SDP says. */
    static final class TelephoneEvents {
        private final DatagramSocket socket;
        private final InetSocketAddress to;
        private int seq = 1;
        private long timestamp = 1000;

        TelephoneEvents(DatagramSocket socket, InetSocketAddress to) {
            this.socket = socket;
            this.to = to;
        }

        void press(char key) throws IOException, InterruptedException {
            int event = switch (key) {
                case '*' -> 10;
                case '#' -> 11;
                default -> key - '0';
            };
            // Three updates while the key is down (the first with the marker bit), then the end
            // packet three times (RFC 4733 §2.5.1.4), all with the event's start timestamp.
            for (int i = 0; i < 6; i++) {
                boolean end = i >= 3;
                int duration = Math.min(i, 3) * 160 + 160;
                byte[] b = new byte[16];
                b[0] = (byte) 0x80;
                b[1] = (byte) ((i == 0 ? 0x80 : 0) | 101);
                b[2] = (byte) (seq >> 8);
                b[3] = (byte) seq++;
                b[4] = (byte) (timestamp >> 24);
                b[5] = (byte) (timestamp >> 16);
                b[6] = (byte) (timestamp >> 8);
                b[7] = (byte) timestamp;
                b[8] = 0x12;
                b[9] = 0x34;
                b[10] = 0x56;
                b[11] = 0x78;
                b[12] = (byte) event;
                b[13] = (byte) ((end ? 0x80 : 0) | 10); // E bit, volume -10 dBm0
                b[14] = (byte) (duration >> 8);
                b[15] = (byte) duration;
                socket.send(new DatagramPacket(b, b.length, to));
                Thread.sleep(20);
            }
            timestamp += 1600;
            Thread.sleep(100);
        }
    }
}
