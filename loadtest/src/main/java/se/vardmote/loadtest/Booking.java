package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Books visits through the REST booking API ({@code POST /api/meetings}, docs/protocol.md) and returns the
 * join tokens, taken from each {@code joinUrl}'s fragment. Tokens are credentials: they are never logged
 * or printed. Thread-safe (HttpClient is).
 */
final class Booking {

    /** The answer is small; anything larger is not the server we know. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final String[] ROLES = {"clinician", "patient", "guardian", "interpreter"};

    private final HttpClient http;
    private final URI server;
    private final String apiKey;
    private final ObjectMapper json;

    Booking(HttpClient http, URI server, String apiKey, ObjectMapper json) {
        this.http = http;
        this.server = server;
        this.apiKey = apiKey;
        this.json = json;
    }

    /** Books one visit with {@code seats} participants, no lobby, starting now; returns their join tokens. */
    List<String> book(int seats, int durationSeconds, String subject) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.put("subject", subject);
        body.put("kind", seats > 2 ? "group" : "two-party");
        body.put("lobby", false);
        body.put("startsAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("durationMinutes", Math.min(480, Math.max(5, durationSeconds / 60 + 10)));
        ArrayNode participants = body.putArray("participants");
        for (int i = 0; i < seats; i++) {
            participants.addObject().put("role", ROLES[i % ROLES.length]).put("displayName", "Last " + (i + 1));
        }
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/api/meetings"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = response.body();
        if (bytes.length > MAX_RESPONSE_BYTES) throw new IOException("booking answer too large");
        if (response.statusCode() != 201) {
            throw new IOException("booking failed: HTTP " + response.statusCode()
                    + (response.statusCode() == 401 ? " (wrong API key: --api-key or --api-key-file)" : ""));
        }
        return tokens(json.readTree(bytes), seats);
    }

    /** The token of each participant: the fragment of its joinUrl. */
    static List<String> tokens(JsonNode answer, int expected) throws IOException {
        JsonNode participants = answer == null ? null : answer.get("participants");
        if (participants == null || !participants.isArray() || participants.size() != expected) {
            throw new IOException("booking answer without the participants booked");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode p : participants) {
            String url = p.path("joinUrl").asText("");
            int hash = url.indexOf('#');
            if (hash < 0 || hash == url.length() - 1) throw new IOException("joinUrl without a token");
            out.add(url.substring(hash + 1));
        }
        return out;
    }
}
