package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.vardmote.server.EmbeddedHttp.get;

import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import se.vardmote.server.EmbeddedHttp;

class RequestRouterTest {
    private final EmbeddedHttp http = new EmbeddedHttp();

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void answersUnknownPathWith404Json() {
        FullHttpResponse r = http.one(get("/nothing-here"));
        try {
            assertEquals(404, r.status().code());
            assertEquals("application/problem+json", r.headers().get("Content-Type"));
            assertEquals("not_found", EmbeddedHttp.json(r).get("error").asText());
            assertSecurityHeaders(r);
        } finally {
            r.release();
        }
    }

    @Test
    void servesJoinPageWithNoStoreAndSecurityHeaders() {
        FullHttpResponse r = http.one(get("/join"));
        try {
            assertEquals(200, r.status().code());
            assertEquals("text/html; charset=utf-8", r.headers().get("Content-Type"));
            assertEquals("no-store", r.headers().get("Cache-Control"));
            String html = EmbeddedHttp.body(r);
            assertTrue(html.contains("src=\"/static/client.js\""));
            assertTrue(html.contains("data-testid=\"status\""));
            assertSecurityHeaders(r);
        } finally {
            r.release();
        }
    }

    @Test
    void joinPageHasNoInlineScriptOrStyle() {
        FullHttpResponse r = http.one(get("/join"));
        try {
            String html = EmbeddedHttp.body(r);
            // The CSP forbids inline script; any <script> must load from src, and no on* handlers or style attributes.
            assertTrue(html.replaceAll("<script src=\"[^\"]+\" defer></script>", "").indexOf("<script") < 0);
            assertTrue(!html.matches("(?s).*\\son[a-z]+=.*"));
            assertTrue(!html.contains("style="));
        } finally {
            r.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.js:text/javascript; charset=utf-8", "style.css:text/css; charset=utf-8"})
    void servesClientFilesWithTheirContentTypes(String fileAndType) {
        String file = fileAndType.substring(0, fileAndType.indexOf(':'));
        FullHttpResponse r = http.one(get("/static/" + file));
        try {
            assertEquals(200, r.status().code());
            assertEquals(fileAndType.substring(file.length() + 1), r.headers().get("Content-Type"));
            assertTrue(r.content().readableBytes() > 100);
            assertSecurityHeaders(r);
        } finally {
            r.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2fclient.js",
            "/static/", "/static/web/client.js", "/static//client.js", "/static/CLIENT.JS",
            "/static/se/vardmote/server/Main.class", "/static/client.js%00.css", "/web/client.js"})
    void refusesPathsOutsideTheKnownFiles(String target) {
        FullHttpResponse r = http.one(get(target));
        try {
            assertTrue(r.status().code() == 404 || r.status().code() == 400, target + " → " + r.status());
            assertEquals("application/problem+json", r.headers().get("Content-Type"));
        } finally {
            r.release();
        }
    }

    @Test
    void contentSecurityPolicyAllowsOnlySelfAndNoInlineScript() {
        FullHttpResponse r = http.one(get("/"));
        try {
            String csp = r.headers().get("Content-Security-Policy");
            assertTrue(csp.contains("default-src 'self'"));
            assertTrue(csp.contains("script-src 'self'"));
            assertTrue(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
            assertTrue(csp.contains("frame-ancestors 'none'"));
            assertTrue(r.headers().get("Permissions-Policy").contains("camera=(self)"));
            assertTrue(r.headers().get("Permissions-Policy").contains("microphone=(self)"));
        } finally {
            r.release();
        }
    }

    @Test
    void healthSaysOk() {
        FullHttpResponse r = http.one(get("/health"));
        try {
            assertEquals(200, r.status().code());
            assertEquals("ok\n", EmbeddedHttp.body(r));
        } finally {
            r.release();
        }
    }

    @Test
    void readyIs503UntilStarted() {
        http.ready = false;
        FullHttpResponse r = http.one(get("/ready"));
        assertEquals(503, r.status().code());
        r.release();
        http.ready = true;
        r = http.one(get("/ready"));
        assertEquals(200, r.status().code());
        r.release();
    }

    @Test
    void metricsAreServedAsPrometheusText() {
        FullHttpResponse r = http.one(get("/metrics"));
        try {
            assertEquals(200, r.status().code());
            assertTrue(r.headers().get("Content-Type").startsWith("text/plain; version=0.0.4"));
        } finally {
            r.release();
        }
    }

    @Test
    void refusesPostToPages() {
        FullHttpResponse r = http.one(EmbeddedHttp.post("/join", "text/plain", "x"));
        try {
            assertEquals(405, r.status().code());
            assertNotNull(r.headers().get("Allow"));
        } finally {
            r.release();
        }
    }

    @Test
    void headOfJoinPageHasHeadersButNoBody() {
        http.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "HEAD /join HTTP/1.1\r\nHost: localhost\r\n\r\n", StandardCharsets.ISO_8859_1));
        StringBuilder raw = new StringBuilder();
        for (Object o; (o = http.channel.readOutbound()) != null; ) {
            io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) o;
            raw.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        assertTrue(raw.toString().startsWith("HTTP/1.1 200 OK"));
        assertTrue(raw.toString().endsWith("\r\n\r\n"), "no body after the headers");
    }

    @Test
    void answersBodiesOver64KiBWith413() {
        String big = "x".repeat(64 * 1024 + 1);
        List<FullHttpResponse> responses = http.exchange(EmbeddedHttp.post("/api/meetings", "application/json", big, http.bearer()));
        try {
            assertEquals(413, responses.get(0).status().code());
            assertSecurityHeaders(responses.get(0));
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
    }

    @Test
    void keepsTheConnectionOpenBetweenRequests() {
        FullHttpResponse r = http.one(get("/health"));
        r.release();
        assertTrue(http.channel.isOpen());
        r = http.one(get("/health", "Connection: close"));
        r.release();
        assertTrue(!http.channel.isOpen());
    }

    @Test
    void extractsPathWithoutQueryAndRefusesOddTargets() {
        assertEquals("/ws", RequestRouter.path("/ws?token=x").orElseThrow());
        assertEquals("/join", RequestRouter.path("/join#x").orElseThrow());
        assertTrue(RequestRouter.path("http://example.com/").isEmpty());
        assertTrue(RequestRouter.path("*").isEmpty());
        assertTrue(RequestRouter.path("/a b").isEmpty());
        assertTrue(RequestRouter.path("/" + "a".repeat(3000)).isEmpty());
    }

    static void assertSecurityHeaders(FullHttpResponse r) {
        assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, r.headers().get("Content-Security-Policy"));
        assertEquals("no-referrer", r.headers().get("Referrer-Policy"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        assertEquals(SecurityHeaders.PERMISSIONS_POLICY, r.headers().get("Permissions-Policy"));
    }
}
