package se.vardmote.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import se.vardmote.server.ApiKey;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.InvalidBookingException;

/**
 * The booking API: {@code POST /api/meetings} and {@code GET /api/meetings/{meetingId}}, both behind the API
 * key as a Bearer token (RFC 6750). Checks run on the event loop (auth, content type, JSON); the store is
 * called on {@code blockingExecutor}, and the answer is written from there. Thread-safe.
 *
 * <p>Logs neither the Authorization header nor request bodies (names of patients).
 */
public final class MeetingApi {
    private static final System.Logger LOG = System.getLogger(MeetingApi.class.getName());
    public static final String COLLECTION = "/api/meetings";
    private static final Pattern MEETING_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ApiKey apiKey;
    private final Bookings bookings;
    private final Executor blockingExecutor;

    public MeetingApi(ApiKey apiKey, Bookings bookings, Executor blockingExecutor) {
        this.apiKey = apiKey;
        this.bookings = bookings;
        this.blockingExecutor = blockingExecutor;
    }

    /** Whether this API owns the path (then {@link #handle} answers it, possibly with 404 or 405). */
    public static boolean owns(String path) {
        return path.equals(COLLECTION) || path.startsWith(COLLECTION + "/");
    }

    /** Answers one request. Borrows {@code request}: reads what it needs before returning. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (path.equals(COLLECTION)) {
            if (!request.method().equals(HttpMethod.POST)) {
                send(ctx, methodNotAllowed("POST"), keepAlive);
            } else if (authorised(ctx, request, keepAlive)) {
                book(ctx, request, keepAlive);
            }
            return;
        }
        String meetingId = path.substring(COLLECTION.length() + 1);
        if (!MEETING_ID.matcher(meetingId).matches()) {
            // Checked before auth would leak nothing, but 401 first keeps the API's shape uniform.
            if (authorised(ctx, request, keepAlive)) send(ctx, notFound(), keepAlive);
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            send(ctx, methodNotAllowed("GET"), keepAlive);
            return;
        }
        if (authorised(ctx, request, keepAlive)) find(ctx, meetingId, keepAlive);
    }

    private boolean authorised(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String presented = bearerToken(header);
        if (presented != null && apiKey.matches(presented)) return true;
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
        String mime = Optional.ofNullable(HttpUtil.getMimeType(request)).map(CharSequence::toString)
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (!mime.equals("application/json")) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, ApiError.of(
                    "unsupported_media_type", "send the booking as 'Content-Type: application/json'")), keepAlive);
            return;
        }
        JsonNode body;
        try {
            body = Json.parseObject(ByteBufUtil.getBytes(request.content()));
        } catch (Json.MalformedJsonException e) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.BAD_REQUEST, ApiError.of("invalid_json", e.getMessage())), keepAlive);
            return;
        }
        BookingRequest booking;
        try {
            booking = BookingRequest.parse(body);
        } catch (InvalidBookingException e) {
            send(ctx, ResponseWriter.error(HttpResponseStatus.BAD_REQUEST,
                    new ApiError("invalid_field", e.field(), e.getMessage())), keepAlive);
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

    private void find(ChannelHandlerContext ctx, String meetingId, boolean keepAlive) {
        offload(ctx, keepAlive, () -> bookings.describe(meetingId)
                .map(d -> ResponseWriter.json(HttpResponseStatus.OK, d))
                .orElseGet(MeetingApi::notFound));
    }

    private interface ResponseSupplier {
        FullHttpResponse get();
    }

    private void offload(ChannelHandlerContext ctx, boolean keepAlive, ResponseSupplier work) {
        try {
            blockingExecutor.execute(() -> {
                FullHttpResponse response;
                try {
                    response = work.get();
                } catch (RuntimeException e) {
                    // The exception class and stack only: messages from the store could quote the booking.
                    LOG.log(System.Logger.Level.ERROR, "booking API call failed: " + e.getClass().getName(), e);
                    response = internalError();
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

    static FullHttpResponse notFound() {
        return ResponseWriter.error(HttpResponseStatus.NOT_FOUND, ApiError.of("not_found", "no meeting with that id"));
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
