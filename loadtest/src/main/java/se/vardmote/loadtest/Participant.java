package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.SingleWriterRecorder;
import se.vardmote.media.MediaKind;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.rtp.RtpPacket;

/**
 * One simulated visitor: joins over WebSocket with its token, publishes audio (and video) on a publish
 * connection, answers the server's subscribe offers, receives everyone else on a subscribe connection and
 * checks every packet it receives. The two transports and all media state live on one event loop; the
 * WebSocket callbacks (HttpClient threads, one at a time per socket) only parse signalling and hand
 * transports their parameters.
 */
final class Participant {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** docs/protocol.md: the client pings every 20 s; a silent connection is closed after 75 s. */
    private static final long PING_SECONDS = 20;

    final int room;
    private final String token;
    private final RunContext ctx;
    private final EventLoop loop;
    private final DtlsCertificate certificate;
    private final String publishUfrag = randomIce(8);
    private final String publishPwd = randomIce(24);
    private final ClientSdp.Identity subscribeIdentity;
    private final int audioSsrc = RANDOM.nextInt() | 1;
    private final int videoSsrc = RANDOM.nextInt() | 2;
    private final RtpPacket rtp = new RtpPacket();
    private final IntObjectHashMap<ReceivedStream> received = new IntObjectHashMap<>();
    final SingleWriterRecorder audioLatency = new SingleWriterRecorder(3);
    final SingleWriterRecorder videoLatency = new SingleWriterRecorder(3);

    private volatile WebSocket webSocket;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> ping;
    private volatile ClientTransport publishTransport;
    private volatile ClientTransport subscribeTransport;
    private volatile String subscribeUfrag;
    private volatile Publisher publisher;
    private volatile boolean publishConnected;
    private volatile boolean subscribeConnected;
    private volatile boolean failed;
    private volatile boolean leaving;

    Participant(int room, String token, RunContext ctx) {
        this.room = room;
        this.token = token;
        this.ctx = ctx;
        this.loop = ctx.loops.next();
        this.certificate = DtlsCertificate.generate("vardmote-loadtest");
        this.subscribeIdentity = new ClientSdp.Identity(randomIce(8), randomIce(24), certificate.fingerprint());
    }

    private ClientSdp.Identity publishId() {
        return new ClientSdp.Identity(publishUfrag, publishPwd, certificate.fingerprint());
    }

    /** Connects and joins (any thread); progress shows in {@link #isReady}. */
    void start() {
        WebSocket.Listener listener = new Signalling();
        ctx.http.newWebSocketBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(10))
                .buildAsync(ctx.webSocket, listener)
                .whenComplete((ws, e) -> {
                    if (e != null) {
                        fail("websocket connect failed");
                        return;
                    }
                    if (leaving) { // left (churn) before the connection opened: never join
                        ws.abort();
                        return;
                    }
                    webSocket = ws;
                    ObjectNode join = ctx.json.createObjectNode().put("type", "join").put("token", token);
                    send(join);
                    ping = loop.scheduleAtFixedRate(() -> send(ctx.json.createObjectNode().put("type", "ping")),
                            PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
                });
    }

    /** Publishing works and, where others publish, receiving too. */
    boolean isReady(boolean expectSubscribe) {
        return publishConnected && (!expectSubscribe || subscribeConnected);
    }

    boolean hasFailed() { return failed; }

    boolean publishConnected() { return publishConnected; }

    boolean subscribeConnected() { return subscribeConnected; }

    Publisher publisher() { return publisher; }

    ClientTransport subscribeTransport() { return subscribeTransport; }

    ClientTransport publishTransport() { return publishTransport; }

    EventLoop loop() { return loop; }

    /** The receive statistics; call on the loop (or after it has stopped touching them). */
    List<ReceivedStream> receivedStreams() {
        return new ArrayList<>(received.values());
    }

    /** Stops sending, leaves the visit, closes the transports (any thread). */
    void leave() {
        stopMedia();
        if (webSocket != null) {
            send(ctx.json.createObjectNode().put("type", "leave"));
        }
        closeTransports();
    }

    /**
     * Vanishes as a browser whose network went away: no {@code leave}, the WebSocket torn down without a
     * close handshake, the transports closed. The server holds the seat for its reconnect grace (any thread).
     */
    void drop() {
        stopMedia();
        WebSocket ws = webSocket;
        if (ws != null) ws.abort();
        closeTransports();
    }

    private void stopMedia() {
        leaving = true;
        ScheduledFuture<?> p = ping;
        if (p != null) p.cancel(false);
        Publisher pub = publisher;
        if (pub != null) {
            pub.stop();
            ctx.streams.remove(pub.audio);
            if (pub.video != null) ctx.streams.remove(pub.video);
        }
    }

    private void closeTransports() {
        ClientTransport t = publishTransport;
        if (t != null) t.close();
        t = subscribeTransport;
        if (t != null) t.close();
    }

    /** Closes the WebSocket (after {@link #leave}); the future completes when it is closed or aborted. */
    CompletableFuture<?> closeSignalling() {
        WebSocket ws = webSocket;
        if (ws == null) return CompletableFuture.completedFuture(null);
        synchronized (this) {
            sendChain = sendChain.handle((r, e) -> null)
                    .thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"))
                    .orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((r, e) -> ws.abort());
            return sendChain.handle((r, e) -> null);
        }
    }

    private void fail(String reason) {
        if (leaving) return;
        failed = true;
        ctx.fail(reason);
    }

    private synchronized void send(JsonNode message) {
        WebSocket ws = webSocket;
        if (ws == null) return;
        String text = message.toString();
        // java.net.http.WebSocket allows one outstanding send: chain them.
        sendChain = sendChain.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
    }

    // ------------------------------------------------------------------ signalling (HttpClient threads)

    private void onMessage(JsonNode m) {
        String type = m.path("type").asText("");
        switch (type) {
            case "joined" -> publish();
            case "publishAnswer" -> onPublishAnswer(m.path("sdp").asText(""));
            case "subscribeOffer" -> onSubscribeOffer(m.path("sdp").asText(""), m.path("version"));
            case "error" -> fail("signalling error " + m.path("code").asText("?"));
            default -> { } // participantJoined, participantLeft, pong...: nothing to do
        }
    }

    private void publish() {
        String offer = ClientSdp.publishOffer(RANDOM.nextLong() & Long.MAX_VALUE, publishId(), "s" + audioSsrc,
                audioSsrc & 0xFFFFFFFFL, ctx.shape.audioOnly() ? 0 : videoSsrc & 0xFFFFFFFFL);
        send(ctx.json.createObjectNode().put("type", "publish").put("sdp", offer));
    }

    private void onPublishAnswer(String sdp) {
        if (publishTransport != null || leaving) return;
        ClientTransport.Remote remote = remoteOf(sdp, "publish");
        if (remote == null) return;
        ClientTransport transport = new ClientTransport(loop, ctx.epoll, publishId(), certificate, ctx.handshakes,
                new ClientTransport.Listener() {
                    @Override
                    public void onRtp(ByteBuf packet, int wireBytes, long arrivalNanos) {
                        // The publish connection receives no media.
                    }

                    @Override
                    public void onRtcp(ByteBuf packet) {
                        onPublishRtcp(packet);
                    }
                });
        publishTransport = transport;
        if (leaving) { // leave() ran between the check above and here, and may have missed this transport
            transport.close();
            return;
        }
        Publisher pub = new Publisher(transport, ctx.shape, audioSsrc, videoSsrc);
        ctx.streams.add(pub.audio);
        if (pub.video != null) ctx.streams.add(pub.video);
        publisher = pub;
        transport.connect(remote).whenComplete((v, e) -> {
            if (e != null) {
                fail("publish transport: " + reason(e));
                return;
            }
            publishConnected = true;
            if (!leaving) pub.start();
        });
    }

    private void onSubscribeOffer(String sdp, JsonNode version) {
        if (leaving) return;
        ServerSdp offer;
        try {
            offer = ServerSdp.parse(sdp);
        } catch (IllegalArgumentException e) {
            fail("subscribe offer unreadable");
            return;
        }
        String answer = ClientSdp.subscribeAnswer(RANDOM.nextLong() & Long.MAX_VALUE, subscribeIdentity, offer);
        ObjectNode message = ctx.json.createObjectNode().put("type", "subscribeAnswer").put("sdp", answer);
        message.set("version", version);
        send(message);
        boolean anyActive = offer.sections().stream().anyMatch(ServerSdp.Section::active);
        if (!anyActive) return;
        if (subscribeTransport != null) {
            if (offer.iceUfrag() != null && !offer.iceUfrag().equals(subscribeUfrag)) {
                ctx.fail("subscribe transport replaced by the server (not followed)");
            }
            return;
        }
        ClientTransport.Remote remote = remoteOf(offer, "subscribe");
        if (remote == null) return;
        subscribeUfrag = offer.iceUfrag();
        ClientTransport transport = new ClientTransport(loop, ctx.epoll, subscribeIdentity, certificate,
                ctx.handshakes, new ClientTransport.Listener() {
                    @Override
                    public void onRtp(ByteBuf packet, int wireBytes, long arrivalNanos) {
                        onMedia(packet, wireBytes, arrivalNanos);
                    }

                    @Override
                    public void onRtcp(ByteBuf packet) {
                        // Sender reports: nothing to check.
                    }
                });
        subscribeTransport = transport;
        if (leaving) {
            transport.close();
            return;
        }
        transport.connect(remote).whenComplete((v, e) -> {
            if (e != null) {
                fail("subscribe transport: " + reason(e));
                return;
            }
            subscribeConnected = true;
        });
    }

    private ClientTransport.Remote remoteOf(String sdp, String which) {
        try {
            return remoteOf(ServerSdp.parse(sdp), which);
        } catch (IllegalArgumentException e) {
            fail(which + " answer unreadable");
            return null;
        }
    }

    private ClientTransport.Remote remoteOf(ServerSdp sdp, String which) {
        ServerSdp.Candidate c = sdp.udpCandidate();
        if (c == null || sdp.iceUfrag() == null || sdp.icePwd() == null || sdp.fingerprint() == null) {
            fail(which + " sdp lacks a candidate, ICE credentials or a fingerprint");
            return null;
        }
        InetAddress address;
        try {
            // A literal from the server's SDP: no name lookup happens for an IP literal.
            address = InetAddress.getByName(c.address());
        } catch (java.net.UnknownHostException e) {
            fail(which + " candidate is not an address");
            return null;
        }
        if (!address.isLoopbackAddress() && !ctx.allowRemote) {
            fail(which + " candidate is not loopback (use --allow-remote)");
            return null;
        }
        return new ClientTransport.Remote(new InetSocketAddress(address, c.port()), sdp.iceUfrag(), sdp.icePwd(),
                sdp.fingerprint());
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ------------------------------------------------------------------ media (event loop)

    private void onPublishRtcp(ByteBuf packet) {
        // RFC 3550 §6.1 compound: walk the packets; RFC 4585 §6.3.1 PLI is PT 206 FMT 1, RFC 5104 FIR FMT 4.
        int offset = packet.readerIndex();
        int end = packet.writerIndex();
        while (offset + 4 <= end) {
            int first = packet.getUnsignedByte(offset);
            int type = packet.getUnsignedByte(offset + 1);
            int length = (packet.getUnsignedShort(offset + 2) + 1) * 4;
            if ((first >>> 6) != 2 || offset + length > end) return;
            int fmt = first & 0x1F;
            if (type == 206 && (fmt == 1 || fmt == 4)) {
                Publisher pub = publisher;
                if (pub != null) pub.requestKeyframe();
            }
            offset += length;
        }
    }

    private void onMedia(ByteBuf packet, int wireBytes, long arrivalNanos) {
        if (!rtp.wrap(packet)) return;
        int payload = rtp.payloadOffset();
        if (!ProbePayload.isProbe(packet, payload, rtp.payloadLength())) return;
        int streamId = ProbePayload.streamId(packet, payload);
        ReceivedStream stream = received.get(streamId);
        if (stream == null) {
            SentStream source = ctx.streams.get(streamId);
            if (source == null) return;
            stream = new ReceivedStream(source);
            received.put(streamId, stream);
        }
        long transit = arrivalNanos - ProbePayload.sendNanos(packet, payload);
        if (stream.onPacket(ProbePayload.sequence(packet, payload), transit, wireBytes)) {
            long micros = Math.max(0, transit / 1000);
            (stream.source.kind == MediaKind.AUDIO ? audioLatency : videoLatency).recordValue(micros);
        }
    }

    private static String randomIce(int length) {
        // RFC 8839 §5.4: ice-char is ALPHA / DIGIT / "+" / "/".
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
        return b.toString();
    }

    /** Reassembles text frames and parses each message; bounded like the server (64 KiB). */
    private final class Signalling implements WebSocket.Listener {
        private static final int MAX_MESSAGE = 64 * 1024;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_MESSAGE) {
                partial.setLength(0);
                fail("signalling message too large");
            } else {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    try {
                        onMessage(ctx.json.readTree(text));
                    } catch (java.io.IOException | RuntimeException e) {
                        fail("signalling message unreadable");
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (!leaving) fail("websocket closed by server (" + statusCode + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            fail("websocket error");
        }
    }
}
