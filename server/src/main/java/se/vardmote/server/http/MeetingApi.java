package se.vardmote.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import se.vardmote.server.ApiKey;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.ChangeRefusedException;
import se.vardmote.signalling.meeting.InvalidBookingException;
import se.vardmote.signalling.meeting.MeetingChange;
import se.vardmote.signalling.meeting.MeetingService;

/**
 * The booking API under {@code /api/meetings}, behind the API key as a Bearer token (RFC 6750):
 * <pre>
 *   GET    /api/meetings?from=&amp;to=[&amp;limit=&amp;cursor=]   list by start time
 *   POST   /api/meetings                                book (201, with leaderPin once)
 *   GET    /api/meetings/{id}                           read (fresh join links)
 *   PATCH  /api/meetings/{id}                           reschedule / change subject or lobby
 *   DELETE /api/meetings/{id}                           cancel
 *   POST   /api/meetings/{id}/participants              add a seat (201, with its join link)
 *   DELETE /api/meetings/{id}/participants/{pid}        remove a seat (204)
 *   GET    /api/meetings/{id}/audit                     the audit events
 *   GET    /api/meetings/{id}/record                    the visit record
 * </pre>
 * Errors are RFC 9457 problem details ({@link ApiError}). Checks run on the event loop (method, auth, content
 * type, JSON, validation); the store is called on {@code blockingExecutor}, and the answer is written from
 * there. Thread-safe.
 *
 * <p>A database that cannot be reached is answered 503 {@code database_unavailable} with {@code Retry-After}
 * ({@link DatabaseUnavailable}); other failures 500 {@code internal}.
 *
 * <p>Logs neither the Authorization header nor request bodies (names of patients).
 */
public final class MeetingApi {
    private static final System.Logger LOG = System.getLogger(MeetingApi.class.getName());
    public static final String COLLECTION = "/api/meetings";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_QUERY_VALUE_CHARS = 100;
    private static final Set<String> LIST_PARAMETERS = Set.of("from", "to", "limit", "cursor");

    /** Wrong API keys one address may present within {@link #WRONG_KEY_WINDOW}; then 429 until it has passed. */
    public static final int MAX_WRONG_KEYS = 10;
    public static final java.time.Duration WRONG_KEY_WINDOW = java.time.Duration.ofMinutes(1);

    private final ApiKey apiKey;
    private final SourceRateLimit wrongKeys;
    private final ClientAddress clients;
    private final Bookings bookings;
    private final Executor blockingExecutor;
    private final java.util.concurrent.atomic.AtomicLong databaseUnavailable = new java.util.concurrent.atomic.AtomicLong();

    public MeetingApi(ApiKey apiKey, Bookings bookings, Executor blockingExecutor) {
        this(apiKey, bookings, blockingExecutor, wrongKeyLimit(System::nanoTime));
    }

    /** @param wrongKeys the per-source limit on wrong keys ({@link #wrongKeyLimit}), by TCP peer */
    public MeetingApi(ApiKey apiKey, Bookings bookings, Executor blockingExecutor, SourceRateLimit wrongKeys) {
        this(apiKey, bookings, blockingExecutor, wrongKeys, ClientAddress.PEER);
    }

    /**
     * @param wrongKeys the per-source limit on wrong keys ({@link #wrongKeyLimit})
     * @param clients   who a request comes from, for that limit (the client behind a trusted proxy)
     */
    public MeetingApi(ApiKey apiKey, Bookings bookings, Executor blockingExecutor, SourceRateLimit wrongKeys,
                      ClientAddress clients) {
        this.wrongKeys = wrongKeys;
        this.clients = clients;
        this.apiKey = apiKey;
        this.bookings = bookings;
        this.blockingExecutor = blockingExecutor;
    }

    /**
     * The limit on guessing the key: {@value #MAX_WRONG_KEYS} wrong keys a minute from one address, then 429
     * for the rest of the minute, right key or not — guessing costs a minute per ten tries. A request without
     * a key is no guess and is not counted.
     */
    public static SourceRateLimit wrongKeyLimit(java.util.function.LongSupplier nanoClock) {
        return new SourceRateLimit(MAX_WRONG_KEYS, WRONG_KEY_WINDOW, nanoClock);
    }

    /** Whether this API owns the path (then {@link #handle} answers it, possibly with 404 or 405). */
    public static boolean owns(String path) {
        return path.equals(COLLECTION) || path.startsWith(COLLECTION + "/");
    }

    /** Answers one request. Borrows {@code request}: reads what it needs before returning. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        if (path.equals(COLLECTION)) {
            if (method.equals(HttpMethod.POST)) {
                if (authorised(ctx, request, keepAlive)) book(ctx, request, keepAlive);
            } else if (method.equals(HttpMethod.GET)) {
                if (authorised(ctx, request, keepAlive)) list(ctx, request, keepAlive);
            } else {
                send(ctx, methodNotAllowed("GET, POST"), keepAlive);
            }
            return;
        }
        String[] parts = path.substring(COLLECTION.length() + 1).split("/", -1);
        boolean wellFormed = parts.length <= 3;
        for (String p : parts) wellFormed &= ID.matcher(p).matches();
        if (!wellFormed) {
            // Checked before auth would leak nothing, but 401 first keeps the API's shape uniform.
            if (authorised(ctx, request, keepAlive)) send(ctx, notFound(), keepAlive);
            return;
        }
        String meetingId = parts[0];
        if (parts.length == 1) {
            if (method.equals(HttpMethod.GET)) {
                if (authorised(ctx, request, keepAlive)) find(ctx, meetingId, keepAlive);
            } else if (method.equals(HttpMethod.PATCH)) {
                if (authorised(ctx, request, keepAlive)) change(ctx, request, meetingId, keepAlive);
            } else if (method.equals(HttpMethod.DELETE)) {
                if (authorised(ctx, request, keepAlive)) {
                    offload(ctx, keepAlive, () -> ResponseWriter.json(HttpResponseStatus.OK, bookings.cancel(meetingId)));
                }
            } else {
                send(ctx, methodNotAllowed("GET, PATCH, DELETE"), keepAlive);
            }
            return;
        }
        String sub = parts[1];
        if (parts.length == 2 && (sub.equals("audit") || sub.equals("record"))) {
            if (!method.equals(HttpMethod.GET)) {
                send(ctx, methodNotAllowed("GET"), keepAlive);
            } else if (authorised(ctx, request, keepAlive)) {
                offload(ctx, keepAlive, () -> ResponseWriter.json(HttpResponseStatus.OK,
                        sub.equals("audit") ? bookings.audit(meetingId) : bookings.record(meetingId)));
            }
            return;
        }
        if (sub.equals("participants") && parts.length == 2) {
            if (!method.equals(HttpMethod.POST)) {
                send(ctx, methodNotAllowed("POST"), keepAlive);
            } else if (authorised(ctx, request, keepAlive)) {
                addParticipant(ctx, request, meetingId, keepAlive);
            }
            return;
        }
        if (sub.equals("participants")) {
            String participantId = parts[2];
            if (!method.equals(HttpMethod.DELETE)) {
                send(ctx, methodNotAllowed("DELETE"), keepAlive);
            } else if (authorised(ctx, request, keepAlive)) {
                offload(ctx, keepAlive, () -> {
                    bookings.removeParticipant(meetingId, participantId);
                    return noContent();
                });
            }
            return;
        }
        if (authorised(ctx, request, keepAlive)) send(ctx, notFound(), keepAlive);
    }

    private boolean authorised(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        Object source = SourceRateLimit.sourceOf(clients.of(ctx.channel().remoteAddress(), request.headers()));
        long wait = wrongKeys.retryAfterSeconds(source);
        if (wait > 0) {
            FullHttpResponse limited = ResponseWriter.error(HttpResponseStatus.TOO_MANY_REQUESTS, ApiError.of("too_many_attempts",
                    "too many requests without a valid API key from this address; try again in " + wait + " s"));
            limited.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(wait));
            send(ctx, limited, keepAlive);
            return false;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String presented = bearerToken(header);
        if (presented != null && apiKey.matches(presented)) return true;
        // A guess is a key that is wrong; a request without one is a client not set up yet, and costs nothing.
        if (presented != null) wrongKeys.record(source);
        FullHttpResponse response = ResponseWriter.error(HttpResponseStatus.UNAUTHORIZED, ApiError.of("unauthorized",
                presented == null
                        ? "send the API key as 'Authorization: Bearer <key>'"
                        : "the API key is not valid"));
        // RFC 6750 §3: tell the client which scheme to use.
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, presented == null
                ? "Bearer realm=\"vardmote\"" : "Bearer realm=\"vardmote\", error=\"invalid_token\"");
        send(ctx, response, keepAlive);
        return false;
    }

    /** The credentials of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive (RFC 7235 §2.1). */
    static String bearerToken(String header) {
        if (header == null) return null;
        String h = header.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = h.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private void book(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        JsonNode body = jsonBody(ctx, request, keepAlive, false);
        if (body == null) return;
        BookingRequest booking;
        try {
            booking = BookingRequest.parse(body);
        } catch (InvalidBookingException e) {
            send(ctx, invalid(e), keepAlive);
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "validating a booking failed: " + e.getClass().getName(), e);
            send(ctx, internalError(), keepAlive);
            return;
        }
        offload(ctx, keepAlive, () -> {
            ObjectNode described = bookings.book(booking);
            FullHttpResponse response = ResponseWriter.json(HttpResponseStatus.CREATED, described);
            JsonNode id = described.get("meetingId");
            if (id != null && id.isTextual()) response.headers().set(HttpHeaderNames.LOCATION, COLLECTION + "/" + id.asText());
            return response;
        });
    }

    private void change(ChannelHandlerContext ctx, FullHttpRequest request, String meetingId, boolean keepAlive) {
        JsonNode body = jsonBody(ctx, request, keepAlive, true);
        if (body == null) return;
        MeetingChange change;
        try {
            change = MeetingChange.parse(body);
        } catch (InvalidBookingException e) {
            send(ctx, invalid(e), keepAlive);
            return;
        }
        offload(ctx, keepAlive, () -> ResponseWriter.json(HttpResponseStatus.OK, bookings.change(meetingId, change)));
    }

    private void addParticipant(ChannelHandlerContext ctx, FullHttpRequest request, String meetingId, boolean keepAlive) {
        JsonNode body = jsonBody(ctx, request, keepAlive, false);
        if (body == null) return;
        BookingRequest.ParticipantRequest seat;
        try {
            seat = BookingRequest.parseParticipant(body);
        } catch (InvalidBookingException e) {
            send(ctx, invalid(e), keepAlive);
            return;
        }
        offload(ctx, keepAlive, () -> {
            ObjectNode added = bookings.addParticipant(meetingId, seat);
            FullHttpResponse response = ResponseWriter.json(HttpResponseStatus.CREATED, added);
            JsonNode pid = added.get("participantId");
            if (pid != null && pid.isTextual()) {
                response.headers().set(HttpHeaderNames.LOCATION,
                        COLLECTION + "/" + meetingId + "/participants/" + pid.asText());
            }
            return response;
        });
    }

    private void list(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri(), java.nio.charset.StandardCharsets.UTF_8,
                true, 8).parameters();
        Instant from;
        Instant to;
        int limit;
        String cursor;
        try {
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                if (!LIST_PARAMETERS.contains(e.getKey())) {
                    throw new InvalidBookingException("query", "unknown query parameter; use from, to, limit and cursor");
                }
                if (e.getValue().size() != 1) {
                    throw new InvalidBookingException(e.getKey(), e.getKey() + " must be given once");
                }
                if (e.getValue().get(0).length() > MAX_QUERY_VALUE_CHARS) {
                    throw new InvalidBookingException(e.getKey(), e.getKey() + " is too long");
                }
            }
            from = time(query, "from");
            to = time(query, "to");
            limit = limit(query);
            cursor = query.containsKey("cursor") ? query.get("cursor").get(0) : null;
        } catch (InvalidBookingException e) {
            send(ctx, invalid(e), keepAlive);
            return;
        }
        offload(ctx, keepAlive, () -> ResponseWriter.json(HttpResponseStatus.OK, bookings.list(from, to, cursor, limit)));
    }

    private static Instant time(Map<String, List<String>> query, String name) throws InvalidBookingException {
        List<String> v = query.get(name);
        if (v == null) {
            throw new InvalidBookingException(name, name + " is required: an ISO-8601 time with offset, e.g. "
                    + "2026-12-01T00:00:00+01:00");
        }
        try {
            // An unencoded '+' of an offset arrives as a space (form decoding); no valid time holds a space.
            return OffsetDateTime.parse(v.get(0).trim().replace(' ', '+'), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidBookingException(name, name + " must be an ISO-8601 time with offset, e.g. "
                    + "2026-12-01T00:00:00Z or 2026-12-01T00:00:00+01:00");
        }
    }

    private static int limit(Map<String, List<String>> query) throws InvalidBookingException {
        List<String> v = query.get("limit");
        if (v == null) return DEFAULT_PAGE_SIZE;
        try {
            int limit = Integer.parseInt(v.get(0).trim());
            if (limit >= 1 && limit <= MeetingService.MAX_PAGE_SIZE) return limit;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidBookingException("limit", "limit must be a whole number from 1 to " + MeetingService.MAX_PAGE_SIZE);
    }

    /** The body as a JSON object, or null after answering 415/400. PATCH also accepts merge-patch (RFC 7396). */
    private JsonNode jsonBody(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive, boolean patch) {
        String mime = Optional.ofNullable(HttpUtil.getMimeType(request)).map(CharSequence::toString)
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (!mime.equals("application/json") && !(patch && mime.equals("application/merge-patch+json"))) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, ApiError.of(
                    "unsupported_media_type", "send the body as 'Content-Type: application/json'")), keepAlive);
            return null;
        }
        try {
            return Json.parseObject(ByteBufUtil.getBytes(request.content()));
        } catch (Json.MalformedJsonException e) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.BAD_REQUEST, ApiError.of("invalid_json", e.getMessage())), keepAlive);
            return null;
        }
    }

    private void find(ChannelHandlerContext ctx, String meetingId, boolean keepAlive) {
        offload(ctx, keepAlive, () -> bookings.describe(meetingId)
                .map(d -> ResponseWriter.json(HttpResponseStatus.OK, d))
                .orElseGet(MeetingApi::notFound));
    }

    private interface ResponseSupplier {
        FullHttpResponse get() throws InvalidBookingException;
    }

    private void offload(ChannelHandlerContext ctx, boolean keepAlive, ResponseSupplier work) {
        try {
            blockingExecutor.execute(() -> {
                FullHttpResponse response;
                try {
                    response = work.get();
                } catch (InvalidBookingException e) {
                    response = invalid(e);
                } catch (ChangeRefusedException e) {
                    response = refused(e);
                } catch (RuntimeException e) {
                    response = DatabaseUnavailable.is(e) ? databaseUnavailable(e) : failed(e);
                }
                send(ctx, response, keepAlive);
            });
        } catch (RejectedExecutionException e) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    ApiError.of("unavailable", "the server is shutting down or overloaded; try again shortly")), keepAlive);
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        ResponseWriter.send(ctx, response, keepAlive, false);
    }

    /**
     * 400 for a malformed field, 422 for a well-formed one that cannot be booked: personal data in an invitation
     * field, or more participants than the kind of visit seats (RFC 9110 §15.5.21).
     */
    static FullHttpResponse invalid(InvalidBookingException e) {
        return e.isUnprocessable()
                ? ResponseWriter.error(HttpResponseStatus.UNPROCESSABLE_ENTITY,
                        new ApiError(e.code(), e.field(), e.getMessage()))
                : ResponseWriter.error(HttpResponseStatus.BAD_REQUEST,
                        new ApiError(InvalidBookingException.INVALID_FIELD, e.field(), e.getMessage()));
    }

    /** 404 for an unknown meeting or seat, 409 for a change the meeting's state forbids. */
    static FullHttpResponse refused(ChangeRefusedException e) {
        return ResponseWriter.error(e.reason().isNotFound() ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.CONFLICT,
                ApiError.of(e.reason().code(), e.getMessage()));
    }

    static FullHttpResponse notFound() {
        return ResponseWriter.error(HttpResponseStatus.NOT_FOUND, ApiError.of("not_found", "no meeting with that id"));
    }

    private static FullHttpResponse noContent() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static FullHttpResponse failed(RuntimeException e) {
        // The exception class and stack only: messages from the store could quote the booking.
        LOG.log(System.Logger.Level.ERROR, "booking API call failed: " + e.getClass().getName(), e);
        return internalError();
    }

    /**
     * 503 {@code database_unavailable} with {@code Retry-After} (RFC 9110 §15.6.4): the database could not be
     * reached, nothing of the request is known to be stored, try again. Logged as one line with the exception
     * classes and SQLSTATE, never a message or stack (drivers quote parameters: names).
     */
    private FullHttpResponse databaseUnavailable(RuntimeException e) {
        databaseUnavailable.incrementAndGet();
        Throwable cause = e.getCause();
        LOG.log(System.Logger.Level.WARNING, "booking API: the meeting database is unavailable ({0}, SQLSTATE {1}); "
                + "answered 503", cause == null ? e.getClass().getName() : cause.getClass().getName(),
                DatabaseUnavailable.sqlState(e));
        FullHttpResponse response = ResponseWriter.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                ApiError.of("database_unavailable", "the meeting database cannot be reached; nothing was changed "
                        + "unless a later GET shows it; try again in " + DatabaseUnavailable.RETRY_AFTER_SECONDS + " s"));
        response.headers().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
        return response;
    }

    /** Booking API calls answered 503 {@code database_unavailable} since start. */
    public long databaseUnavailableCount() {
        return databaseUnavailable.get();
    }

    private static FullHttpResponse internalError() {
        return ResponseWriter.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                ApiError.of("internal", "the server could not complete the request; the operator's log has details"));
    }

    private static FullHttpResponse methodNotAllowed(String allow) {
        FullHttpResponse response = ResponseWriter.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                ApiError.of("method_not_allowed", "this resource accepts " + allow));
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }
}
