package se.vardmote.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import se.vardmote.server.metrics.ServerMetrics;

/**
 * Sends each complete HTTP request to the one thing that answers it: the booking API, the capabilities
 * ({@code GET /api/capabilities}, no key needed), the web client's files (the visit at {@code /join}, the pre-call check alone at {@code /check}), health/readiness/metrics, or, for {@code /ws}, on down the pipeline to the WebSocket handshake.
 * Everything else gets a 404 problem+json. Other messages (WebSocket frames after the upgrade) pass through.
 *
 * <p>Stateless apart from its collaborators: shared by all channels. Never logs request URIs (they could
 * carry secrets someone put in a query string) nor headers.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class RequestRouter extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RequestRouter.class.getName());
    public static final String WEBSOCKET_PATH = "/ws";
    private static final int MAX_URI_LENGTH = 2048;

    private final MeetingApi meetingApi;
    private final StaticFiles staticFiles;
    private final Supplier<String> metricsScrape;
    private final BooleanSupplier ready;
    private final Capabilities capabilities;

    /** With the default capabilities (no dial-in, 8 in a group). */
    public RequestRouter(MeetingApi meetingApi, StaticFiles staticFiles, Supplier<String> metricsScrape,
                         BooleanSupplier ready) {
        this(meetingApi, staticFiles, metricsScrape, ready,
                new Capabilities(false, 8, se.vardmote.signalling.meeting.BookingRequest.MAX_PARTICIPANTS));
    }

    /**
     * @param metricsScrape the Prometheus text ({@link ServerMetrics#scrape()})
     * @param ready         whether the server has finished starting ({@code /ready})
     * @param capabilities  what {@code GET /api/capabilities} states
     */
    public RequestRouter(MeetingApi meetingApi, StaticFiles staticFiles, Supplier<String> metricsScrape,
                         BooleanSupplier ready, Capabilities capabilities) {
        this.meetingApi = meetingApi;
        this.staticFiles = staticFiles;
        this.metricsScrape = metricsScrape;
        this.ready = ready;
        this.capabilities = capabilities;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean passedOn = false;
        try {
            passedOn = route(ctx, request);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request handling failed: " + e.getClass().getName(), e);
            ResponseWriter.send(ctx, ResponseWriter.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    ApiError.of("internal", "the server could not complete the request")), false, false);
        } finally {
            if (!passedOn) ReferenceCountUtil.release(request);
        }
    }

    /** Answers the request, or hands it down the pipeline and returns true (ownership goes with it). */
    private boolean route(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            ResponseWriter.send(ctx, ResponseWriter.error(HttpResponseStatus.BAD_REQUEST,
                    ApiError.of("bad_request", "the request could not be parsed as HTTP")), false, false);
            return false;
        }
        Optional<String> maybePath = path(request.uri());
        if (maybePath.isEmpty()) {
            ResponseWriter.send(ctx, ResponseWriter.error(HttpResponseStatus.BAD_REQUEST,
                    ApiError.of("bad_request", "the request target is not a valid path")), keepAlive, false);
            return false;
        }
        String path = maybePath.get();
        if (path.equals(WEBSOCKET_PATH)) {
            // Tokens never travel in the URL, so the query is dropped rather than refused; the handshake
            // handler then sees exactly "/ws".
            request.setUri(WEBSOCKET_PATH);
            ctx.fireChannelRead(request);
            return true;
        }
        if (MeetingApi.owns(path)) {
            meetingApi.handle(ctx, request, path);
            return false;
        }
        HttpMethod method = request.method();
        boolean head = method.equals(HttpMethod.HEAD);
        FullHttpResponse response = page(path);
        if (response == null) {
            response = ResponseWriter.error(HttpResponseStatus.NOT_FOUND, ApiError.of("not_found", "there is nothing at this address"));
        } else if (!method.equals(HttpMethod.GET) && !head) {
            response.release();
            response = ResponseWriter.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    ApiError.of("method_not_allowed", "this resource accepts GET"));
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        ResponseWriter.send(ctx, response, keepAlive, head);
        return false;
    }

    /** The response for a non-API path, or null when there is nothing there. */
    private FullHttpResponse page(String path) {
        switch (path) {
            case "/": return staticFiles.response("index.html").orElse(null);
            case "/join": return staticFiles.response("join.html").orElse(null);
            // The pre-call check without a visit: no token, nothing joined (it only pings /ws).
            case "/check": return staticFiles.response("check.html").orElse(null);
            case Capabilities.PATH: return ResponseWriter.json(HttpResponseStatus.OK, capabilities.toJson());
            case "/health": return noStore(ResponseWriter.text(HttpResponseStatus.OK, "ok\n"));
            case "/ready":
                return noStore(ready.getAsBoolean()
                        ? ResponseWriter.text(HttpResponseStatus.OK, "ready\n")
                        : ResponseWriter.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "starting\n"));
            case "/metrics":
                return noStore(ResponseWriter.bytes(HttpResponseStatus.OK, ServerMetrics.CONTENT_TYPE,
                        metricsScrape.get().getBytes(StandardCharsets.UTF_8)));
            default:
                if (path.startsWith("/static/")) return staticFiles.response(path.substring("/static/".length())).orElse(null);
                return null;
        }
    }

    private static FullHttpResponse noStore(FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /**
     * The path of an origin-form request target (RFC 9112 §3.2.1), without query or fragment and without
     * percent-decoding: our paths are plain ASCII, so an encoded one simply matches nothing. Empty when the
     * target is not origin-form or is too long.
     */
    static Optional<String> path(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > MAX_URI_LENGTH || uri.charAt(0) != '/') return Optional.empty();
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
            if (c <= ' ' || c >= 0x7f) return Optional.empty();
        }
        return Optional.of(uri.substring(0, end));
    }
}
