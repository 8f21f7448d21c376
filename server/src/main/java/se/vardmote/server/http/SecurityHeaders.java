package se.vardmote.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds the browser security headers to every HTTP response that leaves the server, including the ones Netty
 * writes itself (413, WebSocket handshake errors). Stateless: shared by all channels.
 */
@ChannelHandler.Sharable
public final class SecurityHeaders extends ChannelOutboundHandlerAdapter {

    /**
     * Same-origin everything, no inline script or style, no framing. CSP Level 3 lets {@code 'self'} match
     * ws:/wss: on the page's own host, which is what the web client's WebSocket needs.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'; font-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The join page needs the camera and microphone of its own origin, nothing else. */
    public static final String PERMISSIONS_POLICY = "camera=(self), microphone=(self), display-capture=(self), "
            + "geolocation=(), payment=(), usb=()";

    public static final SecurityHeaders INSTANCE = new SecurityHeaders();

    private SecurityHeaders() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response) apply(response.headers());
        ctx.write(msg, promise);
    }

    static void apply(HttpHeaders h) {
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Permissions-Policy", PERMISSIONS_POLICY);
        h.set("X-Frame-Options", "DENY");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
    }
}
