package se.vardmote.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The server's JSON reader and writer, with limits on what a request body may contain. The mapper is
 * configured once and thread-safe.
 */
public final class Json {

    /** Larger bodies never get here: the HTTP aggregator answers 413 first. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)          // a booking is three levels deep
                    .maxStringLength(8 * 1024)
                    .maxNumberLength(32)
                    .maxDocumentLength(MAX_BODY_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** A request body that is not one JSON object. The message says where, never what the body held. */
    public static final class MalformedJsonException extends Exception {
        MalformedJsonException(String message) {
            super(message);
        }
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws MalformedJsonException when it is empty, not JSON, not an object, too deep or too large
     */
    public static JsonNode parseObject(byte[] body) throws MalformedJsonException {
        if (body.length == 0) throw new MalformedJsonException("the request body is empty; send a JSON object");
        if (body.length > MAX_BODY_BYTES) throw new MalformedJsonException("the request body is too large");
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new MalformedJsonException("the request body is not valid JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (IOException | RuntimeException e) {
            throw new MalformedJsonException("the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) throw new MalformedJsonException("the request body must be a JSON object");
        return node;
    }

    /** Writes a tree as compact UTF-8 JSON. */
    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode tree always serialises", e);
        }
    }
}
