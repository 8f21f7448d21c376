package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.server.EmbeddedHttp.get;
import static se.vardmote.server.EmbeddedHttp.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpResponse;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.Cidr;
import se.vardmote.server.EmbeddedHttp;

class MeetingApiTest {
    private static final String BOOKING = """
            {"subject":"Uppföljning","kind":"two-party","lobby":false,"startsAt":"2030-01-01T10:00:00Z",
             "durationMinutes":30,"participants":[{"role":"clinician","displayName":"Dr A"},
             {"role":"patient","displayName":"P B"}]}""";

    private final EmbeddedHttp http = new EmbeddedHttp();

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void refusesBookingWithoutApiKey() {
        FullHttpResponse r = http.one(post("/api/meetings", "application/json", BOOKING));
        try {
            assertEquals(401, r.status().code());
            JsonNode body = EmbeddedHttp.json(r);
            assertEquals("unauthorized", body.get("error").asText());
            assertTrue(body.get("message").asText().length() > 0);
            assertTrue(r.headers().get("WWW-Authenticate").startsWith("Bearer"));
            assertTrue(http.booked.isEmpty());
        } finally {
            r.release();
        }
    }

    @Test
    void refusesBookingWithWrongApiKey() {
        FullHttpResponse r = http.one(post("/api/meetings", "application/json", BOOKING,
                "Authorization: Bearer " + http.apiKey.value() + "x"));
        try {
            assertEquals(401, r.status().code());
            assertEquals("unauthorized", EmbeddedHttp.json(r).get("error").asText());
            // Nothing of the presented key comes back.
            assertTrue(!EmbeddedHttp.body(r).contains(http.apiKey.value()));
        } finally {
            r.release();
        }
    }

    @Test
    void tenWrongKeysFromOneAddressBlockItForAMinuteRightKeyOrNot() {
        String wrong = "Authorization: Bearer " + http.apiKey.value() + "x";
        String right = "Authorization: Bearer " + http.apiKey.value();
        for (int i = 0; i < MeetingApi.MAX_WRONG_KEYS; i++) {
            FullHttpResponse r = http.one(post("/api/meetings", "application/json", BOOKING, wrong));
            assertEquals(401, r.status().code());
            r.release();
        }
        FullHttpResponse blocked = http.one(post("/api/meetings", "application/json", BOOKING, right));
        try {
            assertEquals(429, blocked.status().code());
            assertEquals("too_many_attempts", EmbeddedHttp.json(blocked).get("error").asText());
            assertEquals("60", blocked.headers().get("Retry-After"));
        } finally {
            blocked.release();
        }
        assertTrue(http.booked.isEmpty());
        http.nanos.addAndGet(MeetingApi.WRONG_KEY_WINDOW.toNanos());
        FullHttpResponse again = http.one(post("/api/meetings", "application/json", BOOKING, right));
        try {
            assertEquals(201, again.status().code(), "a minute later the right key works");
        } finally {
            again.release();
        }
    }

    @Test
    void limitsOneStrangerBehindTheProxyWithoutRefusingOthers() {
        try (EmbeddedHttp proxied = new EmbeddedHttp(new ClientAddress(List.of(Cidr.parse("10.0.0.0/24"))),
                new InetSocketAddress("10.0.0.5", 40123))) {
            String wrong = "Authorization: Bearer " + proxied.apiKey.value() + "x";
            String stranger = "X-Forwarded-For: 198.51.100.7";
            for (int i = 0; i < MeetingApi.MAX_WRONG_KEYS; i++) {
                assertEquals(401, status(proxied, post("/api/meetings", "application/json", BOOKING, wrong, stranger)));
            }
            assertEquals(429, status(proxied, post("/api/meetings", "application/json", BOOKING, proxied.bearer(), stranger)),
                    "the stranger is refused");
            assertEquals(201, status(proxied, post("/api/meetings", "application/json", BOOKING, proxied.bearer(),
                    "X-Forwarded-For: 198.51.100.8")), "another client behind the same proxy is not");
            assertEquals(201, status(proxied, post("/api/meetings", "application/json", BOOKING, proxied.bearer())),
                    "nor the proxy's own address");
        }
    }

    @Test
    void anUntrustedPeerCannotEscapeTheLimitByHeader() {
        try (EmbeddedHttp direct = new EmbeddedHttp(new ClientAddress(List.of(Cidr.parse("10.0.0.0/24"))),
                new InetSocketAddress("203.0.113.9", 50000))) {
            String wrong = "Authorization: Bearer " + direct.apiKey.value() + "x";
            for (int i = 0; i < MeetingApi.MAX_WRONG_KEYS; i++) {
                assertEquals(401, status(direct, post("/api/meetings", "application/json", BOOKING, wrong,
                        "X-Forwarded-For: 198.51.100." + i, "Forwarded: for=192.0.2." + i)));
            }
            assertEquals(429, status(direct, post("/api/meetings", "application/json", BOOKING, direct.bearer(),
                    "X-Forwarded-For: 198.51.100.99")), "a new header is no new address");
        }
    }

    private static int status(EmbeddedHttp http, String request) {
        FullHttpResponse r = http.one(request);
        try {
            return r.status().code();
        } finally {
            r.release();
        }
    }

    @Test
    void refusesOtherAuthorizationSchemes() {
        FullHttpResponse r = http.one(post("/api/meetings", "application/json", BOOKING,
                "Authorization: Basic " + http.apiKey.value()));
        assertEquals(401, r.status().code());
        r.release();
    }

    @Test
    void acceptsBearerSchemeInAnyCase() {
        assertEquals("abc", MeetingApi.bearerToken("bearer abc"));
        assertEquals("abc", MeetingApi.bearerToken("BEARER   abc "));
        assertNull(MeetingApi.bearerToken("Bearer"));
        assertNull(MeetingApi.bearerToken("Bearer   "));
        assertNull(MeetingApi.bearerToken("Basic abc"));
        assertNull(MeetingApi.bearerToken(null));
    }

    @Test
    void refusesReadingMeetingWithoutApiKey() {
        FullHttpResponse r = http.one(get("/api/meetings/m-1"));
        assertEquals(401, r.status().code());
        r.release();
    }

    @Test
    void answersWrongContentTypeWith415() {
        FullHttpResponse r = http.one(post("/api/meetings", "text/plain", BOOKING, http.bearer()));
        try {
            assertEquals(415, r.status().code());
            assertEquals("unsupported_media_type", EmbeddedHttp.json(r).get("error").asText());
        } finally {
            r.release();
        }
    }

    @Test
    void answersMalformedJsonWith400() {
        for (String body : new String[] {"{", "[]", "", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "nul"}) {
            FullHttpResponse r = http.one(post("/api/meetings", "application/json; charset=utf-8", body, http.bearer()));
            try {
                assertEquals(400, r.status().code(), body);
                assertEquals("invalid_json", EmbeddedHttp.json(r).get("error").asText(), body);
            } finally {
                r.release();
            }
        }
        assertTrue(http.booked.isEmpty());
    }

    @Test
    void readsBackAKnownMeeting() {
        FullHttpResponse r = http.one(get("/api/meetings/m-1", http.bearer()));
        try {
            assertEquals(200, r.status().code());
            assertEquals("m-1", EmbeddedHttp.json(r).get("meetingId").asText());
            assertEquals("no-store", r.headers().get("Cache-Control"));
        } finally {
            r.release();
        }
    }

    @Test
    void answersUnknownMeetingWith404Json() {
        for (String id : new String[] {"m-2", "..", "a%2Fb", "x".repeat(100), "a/b"}) {
            FullHttpResponse r = http.one(get("/api/meetings/" + id, http.bearer()));
            try {
                assertEquals(404, r.status().code(), id);
                assertEquals("not_found", EmbeddedHttp.json(r).get("error").asText());
            } finally {
                r.release();
            }
        }
    }

    @Test
    void refusesOtherMethodsWith405() {
        FullHttpResponse r = http.one(EmbeddedHttp.post("/api/meetings", "application/json", "{}", http.bearer())
                .replaceFirst("POST", "PUT"));
        assertEquals(405, r.status().code());
        assertEquals("GET, POST", r.headers().get("Allow"));
        r.release();
        r = http.one(post("/api/meetings/m-1", "application/json", "{}", http.bearer()));
        assertEquals(405, r.status().code());
        r.release();
    }
}
