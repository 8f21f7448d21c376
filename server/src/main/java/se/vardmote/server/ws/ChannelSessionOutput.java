package se.vardmote.server.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import se.vardmote.signalling.SessionOutput;

/**
 * A signalling session's way out: text frames on its WebSocket channel. Thread-safe: Netty queues writes
 * from other threads onto the channel's event loop in call order, so a {@link #close()} follows everything
 * sent before it.
 */
final class ChannelSessionOutput implements SessionOutput {
    private final Channel channel;

    ChannelSessionOutput(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(String json) {
        if (channel.isActive()) channel.writeAndFlush(new TextWebSocketFrame(json));
    }

    @Override
    public void close() {
        if (!channel.isActive()) return;
        // RFC 6455 §7.1.2: say goodbye with a Close frame, then close the TCP connection once it is out.
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
