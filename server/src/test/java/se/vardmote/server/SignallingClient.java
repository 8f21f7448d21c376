package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A signalling connection to a test's server that joins with a link's token and keeps what it is sent. */
final class SignallingClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final WebSocket ws;

    /** Connects to {@code server}'s {@code /ws} and sends {@code join} with the token in {@code joinUrl}'s fragment. */
    SignallingClient(VardmoteServer server, String joinUrl) throws Exception {
        ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/ws"),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                messages.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).get(5, TimeUnit.SECONDS);
        String token = joinUrl.substring(joinUrl.indexOf('#') + 1);
        send(JSON.createObjectNode().put("type", "join").put("token", token).toString());
    }

    void send(String message) throws Exception {
        ws.sendText(message, true).get(5, TimeUnit.SECONDS);
    }

    /** The next message of {@code type} within 5 s, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && type.equals(m.path("type").asText())) return m;
        }
        throw new AssertionError("no " + type + " within 5 s");
    }

    /** Sends {@code ping}, waits for {@code pong}, and checks the connection is still open. */
    void ping() throws Exception {
        send("{\"type\":\"ping\"}");
        next("pong");
        assertFalse(ws.isInputClosed(), "the connection stays open");
    }

    void leave() throws Exception {
        send("{\"type\":\"leave\"}");
    }

    /**
     * Opens a WebSocket to {@code server}'s {@code /ws} from {@code localAddress} with one {@code header} line (or
     * none: "") added to the handshake (RFC 6455 by hand: java.net.http cannot pick its local address), sends one text message and
     * returns the first text message the server sends back.
     */
    static String firstMessageFrom(VardmoteServer server, String localAddress, String header, String text)
            throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (header.isEmpty() ? "" : header + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            assertTrue(payload.length < 126, "one short frame");
            byte[] mask = {1, 2, 3, 4};
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length)}); // FIN + text; masked (client)
            out.write(mask);
            for (int i = 0; i < payload.length; i++) out.write(payload[i] ^ mask[i % 4]);
            out.flush();
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0F;
                int length = in.readUnsignedByte() & 0x7F;
                if (length == 126) length = in.readUnsignedShort();
                else if (length == 127) length = (int) in.readLong();
                byte[] body = new byte[length];
                in.readFully(body);
                if (opcode == 1) return new String(body, StandardCharsets.UTF_8);
                assertTrue(opcode != 8, "closed without a message");
            }
        }
    }
}
