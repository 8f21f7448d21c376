package se.vardmote.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Builds complete HTTP responses and writes them honouring keep-alive. Stateless; callable from any thread
 * (Netty hands writes from other threads to the channel's event loop).
 */
public final class ResponseWriter {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";
    /** RFC 9457 §3: the media type of problem details. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private ResponseWriter() {
    }

    public static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    public static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        FullHttpResponse response = bytes(status, JSON, Json.write(body));
        // API answers carry personal data (names, join links): no cache may keep them.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /** An RFC 9457 problem-details answer ({@link ApiError#toProblem}), never cached. */
    public static FullHttpResponse error(HttpResponseStatus status, ApiError error) {
        FullHttpResponse response = bytes(status, PROBLEM_JSON, Json.write(error.toProblem(status)));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        return bytes(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes and flushes the response. Takes ownership of it.
     *
     * @param keepAlive whether the request asked to keep the connection; otherwise it is closed after the write
     * @param head      whether the request was HEAD: headers only
     */
    public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, boolean head) {
        if (head) {
            response.content().clear(); // Content-Length still describes the GET body (RFC 9110 §9.3.2)
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
