package se.vardmote.server.ws;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.util.function.BiFunction;
import java.util.function.Function;
import se.vardmote.server.http.ClientAddress;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingSession;

/**
 * Connects one WebSocket connection to one {@link SignallingSession}: opened when the handshake completes,
 * fed every text frame, told {@code onClose} exactly once when the channel goes. Binary frames are refused
 * with 1003 (the protocol is JSON text). One instance per channel; touched only by its event loop.
 *
 * <p>Never logs frame contents: they carry join tokens.
 */
public final class SignallingBridge extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(SignallingBridge.class.getName());

    private final BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions;
    private final ClientAddress clients;
    private SignallingSession session;
    private boolean closed;

    /** @param sessions opens a session for a new connection, whatever its address */
    public SignallingBridge(Function<SessionOutput, SignallingSession> sessions) {
        this((output, remote) -> sessions.apply(output));
    }

    /**
     * @param sessions opens a session for a new connection from the remote address given
     *                 ({@code Signalling::openSession}: it limits invalid joins per address)
     */
    public SignallingBridge(BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions) {
        this(sessions, ClientAddress.PEER);
    }

    /**
     * @param sessions opens a session for a new connection from the client's address
     * @param clients  who the connection comes from: the TCP peer, or the client a trusted proxy names in the
     *                 handshake request
     */
    public SignallingBridge(BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions, ClientAddress clients) {
        this.sessions = sessions;
        this.clients = clients;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            try {
                SocketAddress client = clients.of(ctx.channel().remoteAddress(), handshake.requestHeaders());
                session = sessions.apply(new ChannelSessionOutput(ctx.channel()), client);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "opening a signalling session failed: " + e.getClass().getName(), e);
                closeWith(ctx, WebSocketCloseStatus.INTERNAL_SERVER_ERROR);
            }
        } else if (evt instanceof IdleStateEvent) {
            // The web client pings every 20 s; silence this long means the peer went away without a FIN.
            // A plain HTTP keep-alive connection that idles is simply closed.
            if (session == null) ctx.close();
            else closeWith(ctx, WebSocketCloseStatus.NORMAL_CLOSURE);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof TextWebSocketFrame text) {
                if (session == null || closed) return;
                try {
                    session.onMessage(text.text());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "signalling failed on a message: " + e.getClass().getName(), e);
                    closeWith(ctx, WebSocketCloseStatus.INTERNAL_SERVER_ERROR);
                }
            } else if (frame instanceof BinaryWebSocketFrame) {
                closeWith(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE); // 1003: text only
            }
            // Ping, pong and close frames are answered by WebSocketServerProtocolHandler before they get here.
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closeSession();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeSession();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            closeWith(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG); // 1009, as the frame decoder does
        } else {
            LOG.log(System.Logger.Level.DEBUG, "WebSocket connection failed: " + cause.getClass().getName());
            ctx.close();
        }
    }

    private void closeSession() {
        if (closed) return;
        closed = true;
        if (session != null) {
            try {
                session.onClose();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "signalling failed to close a session: " + e.getClass().getName(), e);
            }
        }
    }

    /** Ends the session now (no further messages reach it) and closes the connection with a status. */
    private void closeWith(ChannelHandlerContext ctx, WebSocketCloseStatus status) {
        closeSession();
        if (!ctx.channel().isActive()) return;
        ctx.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
    }
}
