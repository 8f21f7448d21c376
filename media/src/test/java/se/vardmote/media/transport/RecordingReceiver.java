package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** Records what a transport delivers. */
final class RecordingReceiver implements RtpReceiver {
    final LinkedBlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
    final CompletableFuture<WebRtcTransport> connected = new CompletableFuture<>();
    final CopyOnWriteArrayList<String> closedReasons = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override public void onRtp(WebRtcTransport from, ByteBuf packet) { rtp.add(ByteBufUtil.getBytes(packet)); }
    @Override public void onRtcp(WebRtcTransport from, ByteBuf packet) { rtcp.add(ByteBufUtil.getBytes(packet)); }
    @Override public void onConnected(WebRtcTransport transport) { connected.complete(transport); }
    @Override public void onClosed(WebRtcTransport transport, String reason) {
        closedReasons.add(reason);
        closed.complete(reason);
    }
}
