package se.vardmote.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of every API error: {@code {"error": code, "field": ..., "message": ...}}. Messages are written
 * for the caller's developer and never repeat secrets or personal data from the request. Immutable.
 *
 * @param error   a stable machine-readable code ({@code unauthorized}, {@code invalid_json}, ...)
 * @param field   the offending JSON field, or null
 * @param message plain words saying what happened and what to do
 */
public record ApiError(String error, String field, String message) {

    public static ApiError of(String error, String message) {
        return new ApiError(error, null, message);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("error", error);
        if (field != null) node.put("field", field);
        node.put("message", message);
        return node;
    }
}
