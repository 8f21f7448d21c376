package se.vardmote.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar vardmote-server.jar health}: asks the server running beside it for {@code /health} and
 * exits 0 when it answers 200, 1 otherwise — a container's {@code HEALTHCHECK} without curl in the image.
 * Reads the HTTP port from the same environment as the server.
 */
final class HealthProbe {
    private HealthProbe() {
    }

    /** 0 when {@code baseUrl/health} answers 200 within 3 s, else 1. */
    static int check(String baseUrl) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (Exception e) {
            return 1;
        }
    }

    /** The local address the server of this environment listens on. */
    static String localUrl(Map<String, String> env) {
        String port = env.getOrDefault(ServerConfig.HTTP_PORT, "8080").trim();
        return "http://127.0.0.1:" + (port.isEmpty() ? "8080" : port);
    }
}
