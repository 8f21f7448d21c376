package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import se.vardmote.server.ApiKey;
import se.vardmote.server.EmbeddedHttp;
import se.vardmote.server.HttpPipeline;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.store.StoreException;

/**
 * A database that cannot be reached is a 503 {@code database_unavailable} with {@code Retry-After}, an RFC 9457
 * problem, logged without the booking's names; any other store failure stays a 500.
 */
class DatabaseUnavailableTest {
    private static final String BOOKING = """
            {"subject":"Uppföljning Lindqvist","kind":"two-party","lobby":false,"startsAt":"2030-01-01T10:00:00Z",
             "durationMinutes":30,"participants":[{"role":"clinician","displayName":"Dr Aurora Lind"},
             {"role":"patient","displayName":"Petra Bergström"}]}""";

    private static StoreException store(Throwable cause) {
        return new StoreException("cannot book: " + cause.getMessage(), cause);
    }

    @Test
    void knowsALostOrRefusedConnectionFromOtherStoreFailures() {
        assertTrue(DatabaseUnavailable.is(store(new SQLException("Connection to 127.0.0.1:5432 refused", "08001"))));
        assertTrue(DatabaseUnavailable.is(store(new SQLException("An I/O error occurred", "08006"))));
        assertTrue(DatabaseUnavailable.is(store(new SQLException("terminating connection due to administrator command", "57P01"))));
        assertTrue(DatabaseUnavailable.is(store(new SQLException("the database system is starting up", "57P03"))));
        assertTrue(DatabaseUnavailable.is(store(new SQLException("wrapped", null, new ConnectException("refused")))));
        assertTrue(DatabaseUnavailable.is(store(new java.sql.SQLRecoverableException("gone"))));
        assertTrue(DatabaseUnavailable.is(store(new SQLException("Database is already closed", "90121", 90121))));

        assertFalse(DatabaseUnavailable.is(store(new SQLException("duplicate key", "23505"))), "a constraint is no outage");
        assertFalse(DatabaseUnavailable.is(new StoreException("no free conference id after 20 attempts")));
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("bug", new SQLException("x", "08001"))),
                "only the store's failures count");
        assertEquals("08006", DatabaseUnavailable.sqlState(store(new SQLException("x", "08006"))));
        assertEquals("none", DatabaseUnavailable.sqlState(new StoreException("no cause")));
    }

    @Test
    void aBookingWhileTheDatabaseIsDownIs503WithRetryAfterAndLogsNoNames() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Logger log = Logger.getLogger(MeetingApi.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try (Api api = new Api(store(new SQLException(
                "Connection to 127.0.0.1:5432 refused; booking 'Petra Bergström'", "08001")))) {
            FullHttpResponse r = api.http.one(EmbeddedHttp.post("/api/meetings", "application/json", BOOKING, api.bearer()));
            try {
                assertEquals(503, r.status().code());
                assertEquals(String.valueOf(DatabaseUnavailable.RETRY_AFTER_SECONDS), r.headers().get("Retry-After"));
                assertEquals("application/problem+json", r.headers().get("Content-Type"));
                assertEquals("no-store", r.headers().get("Cache-Control"));
                JsonNode problem = EmbeddedHttp.json(r);
                assertEquals("urn:vardmote:problem:database_unavailable", problem.get("type").asText());
                assertEquals("Database unavailable", problem.get("title").asText());
                assertEquals(503, problem.get("status").asInt());
                assertEquals("database_unavailable", problem.get("error").asText());
                String body = EmbeddedHttp.body(r);
                assertFalse(body.contains("Bergström") || body.contains("Lindqvist") || body.contains("127.0.0.1"), body);
            } finally {
                r.release();
            }
            FullHttpResponse read = api.http.one(EmbeddedHttp.get("/api/meetings/m-1", api.bearer()));
            try {
                assertEquals(503, read.status().code(), "reads too");
            } finally {
                read.release();
            }
            assertEquals(2, api.meetingApi.databaseUnavailableCount());
        } finally {
            log.removeHandler(capture);
        }
        assertFalse(logged.isEmpty(), "the operator is told");
        for (LogRecord r : logged) {
            String line = new java.util.logging.SimpleFormatter().format(r);
            assertTrue(line.contains("database is unavailable") && line.contains("08001"), line);
            assertFalse(line.contains("Bergström") || line.contains("Lindqvist") || line.contains("Aurora"), line);
            assertEquals(null, r.getThrown(), "no stack trace: one line per refused call");
        }
    }

    @Test
    void anotherStoreFailureIsStillA500() throws Exception {
        try (Api api = new Api(new StoreException("no free conference id after 20 attempts"))) {
            FullHttpResponse r = api.http.one(EmbeddedHttp.post("/api/meetings", "application/json", BOOKING, api.bearer()));
            try {
                assertEquals(500, r.status().code());
                assertEquals("internal", EmbeddedHttp.json(r).get("error").asText());
                assertEquals(null, r.headers().get("Retry-After"));
            } finally {
                r.release();
            }
            assertEquals(0, api.meetingApi.databaseUnavailableCount());
        }
    }

    /** The HTTP pipeline with a booking store that always fails with {@code failure}. */
    private static final class Api implements AutoCloseable {
        final Channel http;
        final MeetingApi meetingApi;
        final ApiKey key;

        Api(RuntimeException failure) throws Exception {
            key = ApiKey.resolve("test-api-key-0123456789", Path.of("unused"));
            Bookings failing = new Bookings() {
                @Override
                public ObjectNode book(BookingRequest request) {
                    throw failure;
                }

                @Override
                public Optional<ObjectNode> describe(String meetingId) {
                    throw failure;
                }
            };
            meetingApi = new MeetingApi(key, failing, Runnable::run);
            http = new Channel(new HttpPipeline(new RequestRouter(meetingApi, StaticFiles.fromClassPath(),
                    () -> "", () -> true), out -> {
                        throw new AssertionError("no WebSocket expected");
                    }));
        }

        String bearer() {
            return "Authorization: Bearer " + key.value();
        }

        @Override
        public void close() {
            http.close();
        }
    }

    /** An embedded connection through {@code pipeline}: raw request bytes in, one decoded response out. */
    private static final class Channel implements AutoCloseable {
        private final EmbeddedChannel channel = new EmbeddedChannel();

        Channel(HttpPipeline pipeline) {
            pipeline.configure(channel.pipeline());
        }

        FullHttpResponse one(String rawRequest) {
            channel.writeInbound(Unpooled.wrappedBuffer(rawRequest.getBytes(StandardCharsets.ISO_8859_1)));
            channel.runPendingTasks();
            EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
            for (Object out; (out = channel.readOutbound()) != null; ) {
                if (out instanceof ByteBuf buf) decoder.writeInbound(buf);
            }
            FullHttpResponse response = decoder.readInbound();
            Object more = decoder.readInbound();
            decoder.finishAndReleaseAll();
            if (response == null || more != null) throw new AssertionError("expected exactly one response");
            return response;
        }

        @Override
        public void close() {
            channel.finishAndReleaseAll();
        }
    }
}
