package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesOneObject() throws Exception {
        assertEquals("x", Json.parseObject("{\"a\":\"x\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText());
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesHugeStrings() {
        String big = "{\"a\":\"" + "x".repeat(10_000) + "\"}";
        assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(big.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void errorMessageNeverQuotesTheBody() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class,
                () -> Json.parseObject("{\"displayName\": Anna Andersson}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(!e.getMessage().contains("Anna"), e.getMessage());
    }

    /** Any bytes either parse into an object or fail with MalformedJsonException; nothing else escapes. */
    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryBodiesSafely(byte[] body) {
        try {
            assertTrue(Json.parseObject(body).isObject());
        } catch (Json.MalformedJsonException expected) {
            // fine: refused with a message
        }
    }
}
