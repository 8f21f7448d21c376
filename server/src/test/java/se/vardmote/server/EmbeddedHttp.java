package se.vardmote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import se.vardmote.server.http.Bookings;
import se.vardmote.server.http.ClientAddress;
import se.vardmote.server.http.MeetingApi;
import se.vardmote.server.http.RequestRouter;
import se.vardmote.server.http.StaticFiles;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingSession;
import se.vardmote.signalling.meeting.BookingRequest;

/**
 * The server's whole HTTP pipeline on an {@link EmbeddedChannel}: raw request bytes in, decoded responses
 * out. Booking calls run inline. For tests only; one thread.
 */
public final class EmbeddedHttp implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final EmbeddedChannel channel;
    public final ApiKey apiKey;
    public final List<BookingRequest> booked = new ArrayList<>();
    public boolean ready = true;
    /** The clock of the API's limit on wrong keys; tests move it. */
    public final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);

    public EmbeddedHttp(Function<SessionOutput, SignallingSession> sessions) {
        this(sessions, ClientAddress.PEER, null);
    }

    /**
     * A connection from {@code peer} (null: the embedded channel's own address, which is no IP address), with
     * clients told apart by {@code clients} (which proxies are trusted).
     */
    public EmbeddedHttp(ClientAddress clients, InetSocketAddress peer) {
        this(out -> {
            throw new AssertionError("no WebSocket expected");
        }, clients, peer);
    }

    private EmbeddedHttp(Function<SessionOutput, SignallingSession> sessions, ClientAddress clients,
                         InetSocketAddress peer) {
        try {
            // A configured key: the data directory is never touched.
            apiKey = ApiKey.resolve("test-api-key-0123456789", Path.of("unused"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Bookings bookings = new Bookings() {
            @Override
            public ObjectNode book(BookingRequest request) {
                booked.add(request);
                return JSON.createObjectNode().put("meetingId", "m-1");
            }

            @Override
            public Optional<ObjectNode> describe(String meetingId) {
                return meetingId.equals("m-1")
                        ? Optional.of(JSON.createObjectNode().put("meetingId", "m-1"))
                        : Optional.empty();
            }
        };
        RequestRouter router = new RequestRouter(new MeetingApi(apiKey, bookings, Runnable::run,
                MeetingApi.wrongKeyLimit(nanos::get), clients),
                StaticFiles.fromClassPath(), () -> "# metrics\n", () -> ready);
        channel = peer == null ? new EmbeddedChannel() : new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return peer;
            }
        };
        new HttpPipeline(router, sessions).configure(channel.pipeline());
    }

    public EmbeddedHttp() {
        this(out -> {
            throw new AssertionError("no WebSocket expected");
        });
    }

    /** Sends raw HTTP/1.1 bytes and returns every response written back (decoded, aggregated). */
    public List<FullHttpResponse> exchange(String rawRequest) {
        return exchange(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
    }

    public List<FullHttpResponse> exchange(byte[] rawRequest) {
        channel.writeInbound(Unpooled.wrappedBuffer(rawRequest));
        channel.runPendingTasks();
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) decoder.writeInbound(buf);
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        for (Object in; (in = decoder.readInbound()) != null; ) responses.add((FullHttpResponse) in);
        decoder.finishAndReleaseAll();
        return responses;
    }

    /** One request, exactly one response (the caller releases it). */
    public FullHttpResponse one(String rawRequest) {
        List<FullHttpResponse> responses = exchange(rawRequest);
        if (responses.size() != 1) {
            responses.forEach(FullHttpResponse::release);
            throw new AssertionError("expected one response, got " + responses.size());
        }
        return responses.get(0);
    }

    public static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headerLines(headers)) + "\r\n";
    }

    public static String post(String target, String contentType, String body, String... headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + bytes.length + "\r\n"
                + String.join("", headerLines(headers)) + "\r\n" + new String(bytes, StandardCharsets.ISO_8859_1);
    }

    public String bearer() {
        return "Authorization: Bearer " + apiKey.value();
    }

    private static List<String> headerLines(String... headers) {
        List<String> lines = new ArrayList<>();
        for (String h : headers) lines.add(h + "\r\n");
        return lines;
    }

    public static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }

    public static JsonNode json(FullHttpResponse response) {
        try {
            return JSON.readTree(body(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
