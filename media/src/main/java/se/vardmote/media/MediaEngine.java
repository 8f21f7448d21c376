package se.vardmote.media;

import java.util.List;
import java.util.Map;
import se.vardmote.media.router.Router;

/**
 * The media module's public entry point: binds the UDP media sockets (one per worker event loop),
 * owns the process's DTLS certificate and hands out {@link Router}s, one per room.
 * Thread-safe.
 */
public final class MediaEngine implements AutoCloseable {

    /** Binds the sockets and starts the workers. */
    public static MediaEngine start(MediaConfig config) throws InterruptedException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A new router for one room, placed on the worker with the fewest routers. */
    public Router createRouter() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The UDP ports actually bound, one per worker (differs from the config when it asked for port 0). */
    public List<Integer> ports() {
        throw new UnsupportedOperationException("TODO");
    }

    /** SHA-256 fingerprint of the process's DTLS certificate, as in SDP: {@code AB:CD:...}. */
    public String certificateFingerprint() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Counters by name ({@code stun.dropped.not_allowed}, {@code rtp.in.packets}, ...), summed over workers. */
    public Map<String, Long> counters() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Number of live transports over all workers. */
    public int transportCount() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
