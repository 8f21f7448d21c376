package se.vardmote.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every simulated participant of one run shares: the event loops, the DTLS handshake pool, the HTTP
 * client, the stream directory, the traffic shape and the failure counters (by reason; a reason never
 * holds a token or other credential). Thread-safe.
 */
final class RunContext {

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
