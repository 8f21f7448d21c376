package se.vardmote.server.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.server.EmbeddedHttp;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingSession;

class SignallingBridgeTest {
    private final List<String> received = new ArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private SessionOutput output;

    private final EmbeddedHttp http = new EmbeddedHttp(out -> {
        opened.incrementAndGet();
        output = out;
        return new SignallingSession() {
            @Override
            public void onMessage(String text) {
                received.add(text);
                if (text.equals("{\"type\":\"ping\"}")) out.send("{\"type\":\"pong\"}");
            }

            @Override
            public void onClose() {
                closed.incrementAndGet();
            }
        };
    });

    @AfterEach
    void close() {
        http.close();
    }

    private void handshake(String target) {
        List<FullHttpResponse> responses = http.exchange("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
        assertEquals(1, responses.size());
        assertEquals(101, responses.get(0).status().code());
        responses.forEach(FullHttpResponse::release);
    }

    /** Frames as a browser sends them: masked (RFC 6455 §5.3). */
    private void clientSends(WebSocketFrame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        encoder.writeOutbound(frame);
        for (Object o; (o = encoder.readOutbound()) != null; ) http.channel.writeInbound(o);
        encoder.finishAndReleaseAll();
        http.channel.runPendingTasks();
    }

    private List<WebSocketFrame> serverSent() {
        EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        for (Object o; (o = http.channel.readOutbound()) != null; ) decoder.writeInbound((ByteBuf) o);
        List<WebSocketFrame> frames = new ArrayList<>();
        for (Object o; (o = decoder.readInbound()) != null; ) frames.add((WebSocketFrame) o);
        decoder.finishAndReleaseAll();
        return frames;
    }

    @Test
    void opensOneSessionPerConnectionAndPassesTextFrames() {
        handshake("/ws");
        assertEquals(1, opened.get());
        clientSends(new TextWebSocketFrame("{\"type\":\"join\",\"token\":\"t\"}"));
        clientSends(new TextWebSocketFrame("{\"type\":\"ping\"}"));
        assertEquals(List.of("{\"type\":\"join\",\"token\":\"t\"}", "{\"type\":\"ping\"}"), received);
        List<WebSocketFrame> out = serverSent();
        assertEquals(1, out.size());
        assertEquals("{\"type\":\"pong\"}", ((TextWebSocketFrame) out.get(0)).text());
        out.forEach(WebSocketFrame::release);
    }

    @Test
    void ignoresQueryStringOnWebSocketPath() {
        handshake("/ws?anything=1");
        assertEquals(1, opened.get());
    }

    @Test
    void refusesPlainGetOnWebSocketPath() {
        // Netty answers a failed handshake with a close-delimited 400 (no Content-Length): read the raw bytes.
        http.channel.writeInbound(Unpooled.copiedBuffer(EmbeddedHttp.get("/ws"), StandardCharsets.ISO_8859_1));
        StringBuilder raw = new StringBuilder();
        for (Object o; (o = http.channel.readOutbound()) != null; ) {
            raw.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) o).release();
        }
        assertTrue(raw.toString().startsWith("HTTP/1.1 400"), raw.toString());
        assertTrue(raw.toString().contains("Content-Security-Policy"), raw.toString());
        assertFalse(http.channel.isOpen());
        assertEquals(0, opened.get());
        assertEquals(0, closed.get());
    }

    @Test
    void tellsSignallingOfTheCloseExactlyOnce() {
        handshake("/ws");
        output.close();
        List<WebSocketFrame> out = serverSent();
        assertInstanceOf(CloseWebSocketFrame.class, out.get(0));
        assertEquals(1000, ((CloseWebSocketFrame) out.get(0)).statusCode());
        out.forEach(WebSocketFrame::release);
        assertFalse(http.channel.isOpen());
        http.channel.close();
        assertEquals(1, closed.get());
    }

    @Test
    void closesOversizedMessagesWith1009() {
        handshake("/ws");
        clientSends(new TextWebSocketFrame("x".repeat(64 * 1024 + 1)));
        List<WebSocketFrame> out = serverSent();
        assertTrue(out.stream().anyMatch(f -> f instanceof CloseWebSocketFrame c && c.statusCode() == 1009), out.toString());
        out.forEach(WebSocketFrame::release);
        assertFalse(http.channel.isOpen());
        assertTrue(received.isEmpty());
        assertEquals(1, closed.get());
    }

    @Test
    void refusesBinaryFramesWith1003() {
        handshake("/ws");
        clientSends(new BinaryWebSocketFrame(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
        List<WebSocketFrame> out = serverSent();
        assertTrue(out.stream().anyMatch(f -> f instanceof CloseWebSocketFrame c && c.statusCode() == 1003), out.toString());
        out.forEach(WebSocketFrame::release);
        assertTrue(received.isEmpty());
        assertEquals(1, closed.get());
    }

    @Test
    void closesTheSessionWhenTheClientDisconnects() {
        handshake("/ws");
        http.channel.close();
        assertEquals(1, closed.get());
    }
}
