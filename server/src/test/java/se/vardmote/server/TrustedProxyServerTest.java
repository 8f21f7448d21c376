package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.Cidr;
import se.vardmote.server.http.MeetingApi;
import se.vardmote.signalling.protocol.ClientSession;

/**
 * The real server behind a pretend TLS proxy: {@code VARDMOTE_TRUSTED_PROXIES} is 127.0.0.3/32, and the
 * "proxy" is a raw socket bound to 127.0.0.3 that sends {@code X-Forwarded-For} as nginx would. Strangers
 * elsewhere on loopback (127.0.0.4) send the header too, and are not believed.
 */
class TrustedProxyServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROXY = "127.0.0.3";
    private static final String BAD_JOIN =
            "{\"type\":\"join\",\"token\":\"eyJhbGciOiJIUzI1NiJ9.e30.AAAA\"}";
    private static final String BOOKING = """
            {"subject":"Uppföljning","kind":"two-party","lobby":false,"startsAt":"%s",
             "durationMinutes":60,"participants":[{"role":"clinician","displayName":"Dr A"},
             {"role":"patient","displayName":"P B"}]}""";

    @TempDir
    static Path dataDir;
    private static VardmoteServer server;

    @BeforeAll
    static void start() throws Exception {
        server = VardmoteServer.start(ServerConfig.forTests(dataDir)
                .withTrustedProxies(List.of(Cidr.parse(PROXY + "/32"))));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void limitsOneStrangerBehindTheProxyWithoutRefusingOthers() throws Exception {
        String stranger = "X-Forwarded-For: 198.51.100.7";
        for (int i = 0; i < ClientSession.MAX_INVALID_JOINS; i++) {
            assertEquals("invalid_token", errorCode(SignallingClient.firstMessageFrom(server, PROXY, stranger, BAD_JOIN)), "join " + i);
        }
        assertEquals("too_many_attempts", errorCode(SignallingClient.firstMessageFrom(server, PROXY, stranger, BAD_JOIN)), "the stranger is refused");
        assertEquals("invalid_token", errorCode(SignallingClient.firstMessageFrom(server, PROXY, "X-Forwarded-For: 198.51.100.8", BAD_JOIN)),
                "another browser behind the same proxy is not: its token is read");
        assertEquals("invalid_token", errorCode(SignallingClient.firstMessageFrom(server, PROXY, "Forwarded: for=\"198.51.100.9:4711\"", BAD_JOIN)),
                "nor one the proxy names in RFC 7239 Forwarded");
    }

    @Test
    void limitsOneStrangersWrongApiKeysBehindTheProxyWithoutRefusingTheBookingSystem() throws Exception {
        String stranger = "X-Forwarded-For: 198.51.100.17";
        for (int i = 0; i < MeetingApi.MAX_WRONG_KEYS; i++) {
            assertEquals(401, book(PROXY, server.apiKey() + "x", stranger), "wrong key " + i);
        }
        assertEquals(429, book(PROXY, server.apiKey(), stranger), "the stranger is refused, right key or not");
        assertEquals(201, book(PROXY, server.apiKey(), "X-Forwarded-For: 192.0.2.50"),
                "the booking system behind the same proxy is not");
    }

    @Test
    void anUntrustedPeerCannotChooseItsAddressByHeader() throws Exception {
        for (int i = 0; i < ClientSession.MAX_INVALID_JOINS; i++) {
            assertEquals("invalid_token", errorCode(SignallingClient.firstMessageFrom(server, "127.0.0.4", "X-Forwarded-For: 198.51.100." + (100 + i),
                    BAD_JOIN)), "join " + i);
        }
        assertEquals("too_many_attempts", errorCode(SignallingClient.firstMessageFrom(server, "127.0.0.4", "X-Forwarded-For: 198.51.100.200",
                BAD_JOIN)), "its own address is limited whatever it says it is");
    }

    @Test
    void countsAProxysHeaderThatNamesNobody() throws Exception {
        assertEquals(401, book(PROXY, null, "X-Forwarded-For: unknown"));
        assertEquals(401, book(PROXY, null));
        String metrics = exchange(PROXY, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(metrics.contains("vardmote_http_forwarded_unusable_total{reason=\"malformed\"} 1.0"), metrics);
        assertTrue(metrics.contains("vardmote_http_forwarded_unusable_total{reason=\"missing\"}"), metrics);
        assertFalse(metrics.contains("198.51.100."), "no address in the metrics");
    }

    private static String errorCode(String message) throws Exception {
        return JSON.readTree(message).get("code").asText();
    }

    /** POST /api/meetings from {@code localAddress}; returns the status code. */
    private static int book(String localAddress, String key, String... headers) throws Exception {
        byte[] body = BOOKING.formatted(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder("POST /api/meetings HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n");
        if (key != null) request.append("Authorization: Bearer ").append(key).append("\r\n");
        for (String h : headers) request.append(h).append("\r\n");
        request.append("\r\n").append(new String(body, StandardCharsets.ISO_8859_1));
        String response = exchange(localAddress, request.toString());
        return Integer.parseInt(response.substring(9, 12));
    }

    /** One HTTP/1.1 exchange over a connection from {@code localAddress}; the whole response as text. */
    private static String exchange(String localAddress, String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
