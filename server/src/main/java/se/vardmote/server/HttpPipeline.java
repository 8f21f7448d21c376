package se.vardmote.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import se.vardmote.server.http.ClientAddress;
import se.vardmote.server.http.RequestRouter;
import se.vardmote.server.http.SecurityHeaders;
import se.vardmote.server.ws.SignallingBridge;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.NonStickyEventExecutorGroup;
import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingSession;

/**
 * The handlers of one HTTP connection, in order: idle timeout, HTTP codec, security headers, aggregation
 * (64 KiB; 413 beyond), routing, and for {@code /ws} the WebSocket handshake, frame aggregation and the bridge
 * to signalling. Immutable; {@link #initChannel} runs on the new channel's event loop.
 */
public final class HttpPipeline extends ChannelInitializer<Channel> {

    /** Largest HTTP body and largest WebSocket message (the signalling protocol's SDP fits easily). */
    public static final int MAX_CONTENT_BYTES = 64 * 1024;
    /** A connection that says nothing for this long is closed; the web client pings every 20 s. */
    static final int IDLE_SECONDS = 75;

    private final RequestRouter router;
    private final BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions;
    private final EventExecutorGroup signallingExecutors;
    private final ClientAddress clients;

    /** Signalling on the connection's own event loop (tests on an {@code EmbeddedChannel}). */
    public HttpPipeline(RequestRouter router, Function<SessionOutput, SignallingSession> sessions) {
        this(router, sessions, null);
    }

    /**
     * @param signallingExecutors where each connection's signalling runs, in order, off the event loop: a
     *                            {@code join} reads the database, and a slow database must not stall the
     *                            loop's other connections ({@link #signallingExecutors(int)}); null runs it
     *                            on the loop
     */
    public HttpPipeline(RequestRouter router, Function<SessionOutput, SignallingSession> sessions,
                        EventExecutorGroup signallingExecutors) {
        this(router, (SessionOutput output, SocketAddress remote) -> sessions.apply(output), signallingExecutors);
    }

    /**
     * @param sessions opens a signalling session for a new WebSocket connection from the remote address given
     *                 ({@code Signalling::openSession}, which limits invalid joins per address)
     * @see #HttpPipeline(RequestRouter, Function, EventExecutorGroup)
     */
    public HttpPipeline(RequestRouter router, BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions,
                        EventExecutorGroup signallingExecutors) {
        this(router, sessions, signallingExecutors, ClientAddress.PEER);
    }

    /**
     * @param clients who a WebSocket comes from: the TCP peer, or the client a trusted proxy names
     * @see #HttpPipeline(RequestRouter, BiFunction, EventExecutorGroup)
     */
    public HttpPipeline(RequestRouter router, BiFunction<SessionOutput, SocketAddress, SignallingSession> sessions,
                        EventExecutorGroup signallingExecutors, ClientAddress clients) {
        this.router = router;
        this.sessions = sessions;
        this.signallingExecutors = signallingExecutors;
        this.clients = clients;
    }

    /**
     * Executors for signalling: each connection gets an ordered queue of its own (messages are handled one at
     * a time, in order), run on a shared pool of {@code threads} — so one connection waiting on the database
     * holds one thread, not the connections that share its event loop or an executor.
     */
    public static EventExecutorGroup signallingExecutors(int threads) {
        return new NonStickyEventExecutorGroup(new UnorderedThreadPoolEventExecutor(threads,
                new DefaultThreadFactory("vardmote-signalling", true)));
    }

    @Override
    protected void initChannel(Channel ch) {
        configure(ch.pipeline());
    }

    /** Adds the handlers; tests call this on an {@code EmbeddedChannel}. */
    public void configure(ChannelPipeline p) {
        p.addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
        // Header limits: 4 KiB request line, 16 KiB of headers; longer is refused by the decoder.
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(16 * 1024)
                .setMaxChunkSize(8192)));
        p.addLast("security-headers", SecurityHeaders.INSTANCE);
        p.addLast("aggregator", new HttpObjectAggregator(MAX_CONTENT_BYTES));
        p.addLast("router", router);
        p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(RequestRouter.WEBSOCKET_PATH)
                .checkStartsWith(false)
                .handleCloseFrames(true)
                // No automatic Close frame on channel close: on a plain HTTP connection (a refused handshake)
                // there is no WebSocket to close. Our own code sends Close frames where it ends a session.
                .sendCloseFrame(null)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(MAX_CONTENT_BYTES)
                        .allowExtensions(false)
                        .build())
                .build()));
        p.addLast("websocket-aggregator", new WebSocketFrameAggregator(MAX_CONTENT_BYTES));
        p.addLast(signallingExecutors, "signalling", new SignallingBridge(sessions, clients));
    }
}
