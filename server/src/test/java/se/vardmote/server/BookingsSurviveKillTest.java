package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL during a burst of bookings loses none that was acknowledged: the server runs as a process of its own,
 * eight clients book 200 visits as fast as it answers, the process is killed with {@code kill -9} after the
 * 60th 201, started again on the same database, and every booking that got a 201 is read back with its seats.
 * Bookings cut off in flight may or may not be there (their client saw no answer); nothing is half there.
 *
 * <p>On PostgreSQL (the production database; the cluster of {@code .ci/start-postgres}) and on the embedded H2
 * in the data directory, the first start's default ({@code WRITE_DELAY=0}: each commit is written before it
 * returns).
 */
class BookingsSurviveKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "burst-test-api-key-0123456789";
    private static final int BOOKINGS = 200;
    private static final int CLIENTS = 8;
    private static final int KILL_AFTER_ACKNOWLEDGED = 60;

    @TempDir
    Path dataDir;

    @Test
    @Tag("postgres")
    @Timeout(60)
    void noAcknowledgedBookingIsLostWhenTheServerIsKilledOnPostgreSql() throws Exception {
        TestPostgres postgres = TestPostgres.fromEnvironment();
        burstKillAndRestart(Map.of(ServerConfig.DB_URL, postgres.url), "PostgreSQL");
    }

    @Test
    @Timeout(60)
    void noAcknowledgedBookingIsLostWhenTheServerIsKilledOnEmbeddedH2() throws Exception {
        burstKillAndRestart(Map.of(), "H2 (file, default)");
    }

    private void burstKillAndRestart(Map<String, String> database, String name) throws Exception {
        Map<String, String> env = new HashMap<>(database);
        env.put(ServerConfig.DATA_DIR, dataDir.toString());
        env.put(ServerConfig.API_KEY, API_KEY);
        env.put(ServerConfig.BIND_ADDRESS, "127.0.0.1");
        env.put(ServerConfig.HTTP_PORT, "0");
        env.put(ServerConfig.MEDIA_PORT, "0");
        env.put(ServerConfig.MEDIA_TCP_PORT, "0");
        env.put(ServerConfig.DRAIN_SECONDS, "0");
        // A minute of its own in the far future, so that runs sharing a database are told apart by listing it.
        Instant startsAt = Instant.parse("2090-01-01T00:00:00Z")
                .plus(Duration.ofMinutes(ThreadLocalRandom.current().nextInt(5_000_000)));

        Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>(); // meetingId -> participantIds
        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger otherStatus = new AtomicInteger();
        int acknowledgedAtKill;
        try (ServerProcess first = ServerProcess.start(env)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            CountDownLatch killAt = new CountDownLatch(KILL_AFTER_ACKNOWLEDGED);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread client = new Thread(() -> {
                    while (System.nanoTime() < deadline && next.getAndIncrement() < BOOKINGS) {
                        sent.incrementAndGet();
                        try {
                            HttpResponse<String> r = http.send(bookingRequest(first.baseUrl, startsAt),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                JsonNode booked = JSON.readTree(r.body());
                                Set<String> seats = new HashSet<>();
                                booked.get("participants").forEach(p -> seats.add(p.get("participantId").asText()));
                                acknowledged.put(booked.get("meetingId").asText(), seats);
                                killAt.countDown();
                            } else {
                                otherStatus.incrementAndGet();
                            }
                        } catch (IOException e) {
                            unanswered.incrementAndGet(); // in flight at the kill, or refused after it
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "booker-" + c);
                client.start();
                clients.add(client);
            }
            assertTrue(killAt.await(20, TimeUnit.SECONDS), "not " + KILL_AFTER_ACKNOWLEDGED + " bookings within 20 s");
            acknowledgedAtKill = acknowledged.size();
            first.kill();
            for (Thread t : clients) t.join(TimeUnit.SECONDS.toMillis(25));
        }
        assertEquals(0, otherStatus.get(), "every answer was 201");

        try (ServerProcess second = ServerProcess.start(env)) {
            HttpClient http = HttpClient.newHttpClient();
            int found = 0;
            for (Map.Entry<String, Set<String>> booking : acknowledged.entrySet()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl + "/api/meetings/"
                        + booking.getKey())).header("Authorization", "Bearer " + API_KEY).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "acknowledged booking " + booking.getKey() + " lost: " + r.body());
                Set<String> seats = new HashSet<>();
                JSON.readTree(r.body()).get("participants").forEach(p -> seats.add(p.get("participantId").asText()));
                assertEquals(booking.getValue(), seats, "its seats");
                found++;
            }
            int stored = countListed(http, second.baseUrl, startsAt);
            System.out.printf("%s: %d bookings sent, %d got 201 (%d when the kill was sent), %d unanswered; after the "
                    + "restart %d of the %d acknowledged found with their seats, %d stored in all%n", name, sent.get(),
                    acknowledged.size(), acknowledgedAtKill, unanswered.get(), found, acknowledged.size(), stored);
            assertTrue(unanswered.get() > 0, "the kill fell within the burst");
            assertEquals(acknowledged.size(), found);
            assertTrue(stored >= acknowledged.size() && stored <= sent.get(), "stored " + stored);
        }
    }

    private static HttpRequest bookingRequest(String baseUrl, Instant startsAt) {
        String body = "{\"subject\":\"AB-82 Videobesök\",\"kind\":\"two-party\",\"lobby\":false,\"startsAt\":\""
                + startsAt + "\",\"durationMinutes\":30,\"participants\":[{\"role\":\"clinician\",\"displayName\":"
                + "\"Test clinician\"},{\"role\":\"patient\",\"displayName\":\"Test patient\"}]}";
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/meetings")).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Bookings starting at {@code startsAt}, through the list API page by page. */
    private static int countListed(HttpClient http, String baseUrl, Instant startsAt) throws Exception {
        int count = 0;
        String cursor = null;
        do {
            String query = "from=" + startsAt + "&to=" + startsAt.plusSeconds(1) + "&limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/meetings?" + query))
                    .header("Authorization", "Bearer " + API_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            count += page.get("meetings").size();
            cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return count;
    }

    /** {@link Main} in a JVM of its own, with exactly {@code env} for settings (nothing inherited). */
    private static final class ServerProcess implements AutoCloseable {
        private static final Pattern UP = Pattern.compile("vardmote is up: open (http://127\\.0\\.0\\.1:\\d+)/");
        final Process process;
        final String baseUrl;

        private ServerProcess(Process process, String baseUrl) {
            this.process = process;
            this.baseUrl = baseUrl;
        }

        static ServerProcess start(Map<String, String> env) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            if (Runtime.version().feature() >= 22) command.add("--enable-native-access=ALL-UNNAMED");
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("VARDMOTE_"));
            builder.environment().putAll(env);
            Process process = builder.start();
            CountDownLatch up = new CountDownLatch(1);
            String[] url = new String[1];
            StringBuilder log = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        synchronized (log) {
                            if (log.length() < 20_000) log.append(line).append('\n');
                        }
                        Matcher m = UP.matcher(line);
                        if (m.find()) {
                            url[0] = m.group(1);
                            up.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "server-log");
            reader.setDaemon(true);
            reader.start();
            if (!up.await(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                synchronized (log) {
                    throw new AssertionError("the server did not start within 30 s:\n" + log);
                }
            }
            return new ServerProcess(process, url[0]);
        }

        /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no close, no flush. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "killed");
            assertEquals(137, process.exitValue(), "ended by SIGKILL");
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: drains 0 s and closes
                if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
