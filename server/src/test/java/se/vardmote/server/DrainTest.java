package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
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

    /** A signalling connection that keeps what it is sent. */
    private static final class Client {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final WebSocket ws;

        Client(VardmoteServer server, String joinUrl) throws Exception {
            ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/ws"),
                    new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                try {
                                    messages.add(JSON.readTree(partial.toString()));
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                                partial.setLength(0);
                            }
                            webSocket.request(1);
                            return CompletableFuture.completedFuture(null);
                        }
                    }).get(5, TimeUnit.SECONDS);
            String token = joinUrl.substring(joinUrl.indexOf('#') + 1);
            ws.sendText(JSON.createObjectNode().put("type", "join").put("token", token).toString(), true).get(5, TimeUnit.SECONDS);
        }

        JsonNode next(String type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && type.equals(m.path("type").asText())) return m;
            }
            throw new AssertionError("no " + type + " within 5 s");
        }

        void leave() throws Exception {
            ws.sendText("{\"type\":\"leave\"}", true).get(5, TimeUnit.SECONDS);
        }
    }

    private static int ready(VardmoteServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aDrainRefusesNewVisitsKeepsTheLiveOneAndEndsWithIt() throws Exception {
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dir))) {
            String live = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient")).get(0);
            String later = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient")).get(0);
            Client clinician = new Client(server, live);
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

            Client newcomer = new Client(server, later);
            assertEquals("server_draining", newcomer.next("error").get("code").asText());
            Client again = new Client(server, live); // the live visit still takes (re)joins
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
