package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every simulated participant of one run shares: the event loops, the DTLS handshake pool, the HTTP
 * client, the stream directory, the traffic shape and the failure counters (by reason; a reason never
 * holds a token or other credential). Thread-safe. {@link #open} makes the threads, {@link #close} stops
 * every one of them (a soak counts the threads left behind).
 */
final class RunContext implements AutoCloseable {

    final EventLoopGroup loops;
    final boolean epoll;
    final ExecutorService handshakes;
    final HttpClient http;
    final ObjectMapper json;
    final URI webSocket;
    final TrafficShape shape;
    final boolean allowRemote;
    final StreamDirectory streams = new StreamDirectory();
    private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** HttpClient's executor (null when the caller supplied the client): shut down by {@link #close}. */
    private ExecutorService httpThreads;

    /**
     * One Netty event-loop group (epoll where available, one loop per core) for every client socket, sender
     * and receiver; 2–4 threads for the blocking bctls handshakes; an HttpClient on its own executor.
     */
    static RunContext open(LoadSettings settings) {
        boolean epoll = Epoll.isAvailable();
        int cores = Runtime.getRuntime().availableProcessors();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Math.max(1, cores),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ExecutorService handshakes = Executors.newFixedThreadPool(Math.min(4, Math.max(2, cores)), daemon("loadtest-dtls"));
        ExecutorService httpThreads = Executors.newCachedThreadPool(daemon("loadtest-http"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(httpThreads).build();
        URI server = settings.server();
        URI ws = URI.create((server.getScheme().equals("https") ? "wss" : "ws") + "://" + server.getRawAuthority() + "/ws");
        RunContext ctx = new RunContext(loops, epoll, handshakes, http, new ObjectMapper(), ws, settings.shape(),
                settings.allowRemote());
        ctx.httpThreads = httpThreads;
        return ctx;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the handshake pool, the event loops and the HTTP threads (after the participants have left). */
    @Override
    public void close() throws InterruptedException {
        handshakes.shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        if (httpThreads != null) httpThreads.shutdownNow();
    }

    RunContext(EventLoopGroup loops, boolean epoll, ExecutorService handshakes, HttpClient http, ObjectMapper json,
               URI webSocket, TrafficShape shape, boolean allowRemote) {
        this.loops = loops;
        this.epoll = epoll;
        this.handshakes = handshakes;
        this.http = http;
        this.json = json;
        this.webSocket = webSocket;
        this.shape = shape;
        this.allowRemote = allowRemote;
    }

    /** Counts one failure; {@code reason} is a short fixed phrase, at most a server error code appended. */
    void fail(String reason) {
        String r = reason == null ? "unknown" : reason.length() > 120 ? reason.substring(0, 120) : reason;
        failures.computeIfAbsent(r, k -> new LongAdder()).increment();
    }

    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
