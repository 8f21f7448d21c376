package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shutdown drains: the server is no longer ready, a visit that has not started is refused with
 * {@code server_draining}, the live one goes on (a rejoin too) and is told when the server closes, and the
 * drain ends as soon as the last live visit does.
 */
class DrainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static int ready(VardmoteServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aDrainRefusesNewVisitsKeepsTheLiveOneAndEndsWithIt() throws Exception {
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dir))) {
            String live = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient")).get(0);
            String later = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient")).get(0);
            SignallingClient clinician = new SignallingClient(server, live);
            clinician.next("joined");
            assertEquals(200, ready(server));

            CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    server.drain(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return (System.nanoTime() - start) / 1_000_000;
            });
            JsonNode notice = clinician.next("serverDraining");
            assertTrue(notice.get("closesAt").asText().startsWith("20"), notice.toString());
            assertEquals(503, ready(server), "a load balancer sends new visits elsewhere");

            SignallingClient newcomer = new SignallingClient(server, later);
            assertEquals("server_draining", newcomer.next("error").get("code").asText());
            SignallingClient again = new SignallingClient(server, live); // the live visit still takes (re)joins
            again.next("joined");
            assertEquals("serverDraining", again.next("serverDraining").path("type").asText());

            Thread.sleep(500);
            assertTrue(!drained.isDone(), "the drain waits for the live visit");
            again.leave();
            long took = drained.get(10, TimeUnit.SECONDS);
            assertTrue(took < 30_000, "the drain ended with the visit, after " + took + " ms");
            assertEquals(0, server.signalling().roomCount());
        }
    }
}
