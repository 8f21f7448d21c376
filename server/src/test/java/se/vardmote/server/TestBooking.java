package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Books visits through a running server's REST API, as the booking system would. */
public final class TestBooking {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestBooking() {
    }

    /** Books a visit starting now; returns the whole 201 answer (meetingId, conferenceId, participants, ...). */
    public static JsonNode book(VardmoteServer server, String kind, boolean lobby, String... roles) throws Exception {
        StringBuilder participants = new StringBuilder();
        for (String role : roles) {
            if (participants.length() > 0) participants.append(',');
            participants.append("{\"role\":\"").append(role).append("\",\"displayName\":\"Test ").append(role).append("\"}");
        }
        String body = "{\"subject\":\"AB-82 Videobesök\",\"kind\":\"" + kind + "\",\"lobby\":" + lobby + ",\"startsAt\":\""
                + Instant.now() + "\",\"durationMinutes\":30,\"participants\":[" + participants + "]}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/meetings"))
                        .header("Authorization", "Bearer " + server.apiKey())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The seats of a booking answer, in booking order. */
    public static List<JsonNode> seats(JsonNode meeting) {
        List<JsonNode> seats = new ArrayList<>();
        meeting.get("participants").forEach(seats::add);
        return seats;
    }

    /** The join links of a booking answer, in booking order. */
    public static List<String> joinUrls(JsonNode meeting) {
        List<String> links = new ArrayList<>();
        for (JsonNode seat : meeting.get("participants")) links.add(seat.get("joinUrl").asText());
        return links;
    }
}
