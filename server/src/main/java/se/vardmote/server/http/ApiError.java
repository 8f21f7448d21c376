package se.vardmote.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The body of every API error, an RFC 9457 problem detail ({@code application/problem+json}):
 * <pre>{@code
 * {"type":"urn:vardmote:problem:invalid_field","title":"Invalid field","status":400,
 *  "detail":"...","field":"participants[1].role","error":"invalid_field","message":"..."}
 * }</pre>
 * {@code error} and {@code message} repeat the code and the detail under the names the first release used,
 * so that clients written against it keep working. Messages are written for the caller's developer and never
 * repeat secrets or personal data from the request. Immutable.
 *
 * @param error   a stable machine-readable code ({@code unauthorized}, {@code invalid_json}, ...)
 * @param field   the offending JSON field (or query parameter), or null
 * @param message plain words saying what happened and what to do
 */
public record ApiError(String error, String field, String message) {

    /** Problem types are URNs in our own namespace: stable identifiers, documented in docs/protocol.md. */
    public static final String TYPE_PREFIX = "urn:vardmote:problem:";

    public static ApiError of(String error, String message) {
        return new ApiError(error, null, message);
    }

    /** The first release's shape, {@code {"error","field"?,"message"}}. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("error", error);
        if (field != null) node.put("field", field);
        node.put("message", message);
        return node;
    }

    /** The RFC 9457 problem detail for this error answered with {@code status}. */
    public ObjectNode toProblem(HttpResponseStatus status) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", TYPE_PREFIX + error);
        node.put("title", title(status));
        node.put("status", status.code());
        node.put("detail", message);
        if (field != null) node.put("field", field);
        node.put("error", error);
        node.put("message", message);
        return node;
    }

    /** RFC 9457 §3.1.3: the same title for every occurrence of a type. */
    private String title(HttpResponseStatus status) {
        return switch (error) {
            case "invalid_field" -> "Invalid field";
            case "invalid_json" -> "Request body is not valid JSON";
            case "sensitive_data" -> "Personal data is not allowed here";
            case "meeting_cancelled" -> "Meeting is cancelled";
            case "meeting_ended" -> "Meeting is over";
            case "too_many_participants" -> "Too many participants";
            case "last_participant" -> "Last participant";
            case "database_unavailable" -> "Database unavailable";
            default -> status.reasonPhrase();
        };
    }
}
