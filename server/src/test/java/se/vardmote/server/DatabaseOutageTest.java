package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of a visit ({@code pg_ctl -m immediate}, as a crash) under a real server:
 * the live visit keeps its room and its signalling, a new booking is refused 503 {@code database_unavailable}
 * with {@code Retry-After}, {@code /ready} turns 503 while {@code /health} stays 200; when PostgreSQL is started
 * again the server reconnects by itself — ready again, a booking gets 201, the live visit still answers.
 *
 * <p>Media is not exercised here: the Java peer that speaks ICE, DTLS and SRTP lives in the load tester, which
 * depends on this module. The media plane touches no database (the room is in memory), and the signalling
 * connection of the same room is proven to stay.
 */
@Tag("postgres")
class DatabaseOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void aLiveVisitOutlastsAStoppedDatabaseAndBookingsResumeWhenItReturns() throws Exception {
        TestPostgres postgres = TestPostgres.fromEnvironment();
        boolean stopped = false;
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dir).withDatabase(postgres.url, null, null))) {
            JsonNode live = TestBooking.book(server, "two-party", false, "clinician", "patient");
            JsonNode other = TestBooking.book(server, "two-party", false, "clinician", "patient");
            String meetingId = live.get("meetingId").asText();
            SignallingClient clinician = new SignallingClient(server, TestBooking.joinUrls(live).get(0));
            clinician.next("joined");
            SignallingClient patient = new SignallingClient(server, TestBooking.joinUrls(live).get(1));
            patient.next("joined");
            assertEquals(200, status(server, "/ready"));

            long stopAt = System.nanoTime();
            postgres.stopImmediately();
            stopped = true;

            HttpResponse<String> refused = book(server);
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("10", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(null));
            JsonNode problem = JSON.readTree(refused.body());
            assertEquals("urn:vardmote:problem:database_unavailable", problem.get("type").asText());
            assertEquals(503, problem.get("status").asInt());
            assertFalse(refused.body().contains("Videobesök") || refused.body().contains("Test patient"), refused.body());
            assertEquals(503, status(server, "/api/meetings/" + meetingId), "reading a booking needs the database too");
            assertEquals(200, status(server, "/health"), "the process lives: no restart helps");
            long notReadyMillis = awaitStatus(server, "/ready", 503, 15);
            System.out.printf("database stopped: /ready 503 after %d ms%n", (notReadyMillis - stopAt) / 1_000_000);

            // The live visit: its room, both seats and their signalling connections are untouched.
            clinician.ping();
            patient.ping();
            assertEquals(1, server.signalling().roomCount());
            assertEquals(2, server.signalling().rooms().seatedByRoleAndVia().values().stream().mapToInt(Integer::intValue).sum(),
                    "both still seated");
            // The patient's page reloads mid-outage: the rejoin takes the seat back from what the live room holds.
            SignallingClient rejoined = new SignallingClient(server, TestBooking.joinUrls(live).get(1));
            rejoined.next("joined");
            patient.next("error"); // replaced: the old connection closes
            patient = rejoined;
            patient.ping();
            assertEquals(2, server.signalling().rooms().seatedByRoleAndVia().values().stream().mapToInt(Integer::intValue).sum());
            // A visit with no live room cannot be looked up: told so, and to try again.
            SignallingClient stranger = new SignallingClient(server, TestBooking.joinUrls(other).get(0));
            assertEquals("database_unavailable", stranger.next("error").path("code").asText());
            String metrics = body(server, "/metrics");
            assertTrue(metrics.contains("vardmote_api_database_unavailable_total 2.0"), "counted for the operator");

            long startAt = System.nanoTime();
            postgres.start();
            stopped = false;
            long running = System.nanoTime();
            long readyAgain = awaitStatus(server, "/ready", 200, 15);
            System.out.printf("database started: pg_ctl start took %d ms, /ready 200 %d ms after it returned%n",
                    (running - startAt) / 1_000_000, (readyAgain - running) / 1_000_000);
            HttpResponse<String> booked = book(server);
            assertEquals(201, booked.statusCode(), booked.body());
            assertEquals(200, status(server, "/api/meetings/" + meetingId), "the booking made before is there");
            clinician.ping();
            patient.ping();
            assertEquals(1, server.signalling().roomCount());
        } finally {
            if (stopped) postgres.start(); // leave the cluster running for the other tests
        }
    }

    private static HttpResponse<String> book(VardmoteServer server) throws Exception {
        String body = "{\"subject\":\"AB-82 Videobesök\",\"kind\":\"two-party\",\"lobby\":false,\"startsAt\":\""
                + Instant.now() + "\",\"durationMinutes\":30,\"participants\":[{\"role\":\"clinician\",\"displayName\":"
                + "\"Test clinician\"},{\"role\":\"patient\",\"displayName\":\"Test patient\"}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/meetings"))
                .header("Authorization", "Bearer " + server.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(VardmoteServer server, String path) throws Exception {
        return get(server, path).statusCode();
    }

    private static String body(VardmoteServer server, String path) throws Exception {
        return get(server, path).body();
    }

    private static HttpResponse<String> get(VardmoteServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + server.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code path} until it answers {@code expected}; returns when it did ({@link System#nanoTime()}). */
    private static long awaitStatus(VardmoteServer server, String path, int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int last;
        do {
            last = status(server, path);
            if (last == expected) return System.nanoTime();
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " answered " + last + ", not " + expected + ", for " + seconds + " s");
    }
}
