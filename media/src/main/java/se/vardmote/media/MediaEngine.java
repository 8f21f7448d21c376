package se.vardmote.media;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.HandshakePool;
import se.vardmote.media.net.UdpIo;
import se.vardmote.media.router.Router;
import se.vardmote.media.transport.MediaWorker;

/**
 * The media module's public entry point: binds the UDP media sockets (one per worker event loop),
 * owns the process's DTLS certificate and hands out {@link Router}s, one per room.
 * Thread-safe.
 *
 * <p>Threads it owns: {@code config.workers()} media event loops ("media-worker-N", epoll where available)
 * and a fixed number of "dtls-handshake-N" daemon threads ({@link HandshakePool}), because bctls handshakes
 * block: bounded in number, in handshakes in progress (in all and per source address) and in time.
 */
public final class MediaEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MediaEngine.class.getName());
    private final MediaConfig config;
    private final EventLoopGroup group;
    private final HandshakePool handshakes;
    private final DtlsCertificate certificate;
    private final List<MediaWorker> workers;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Routers not yet seen closed, for {@link #routerCounters()}. */
    private final java.util.Set<Router> liveRouters = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Final counts of closed routers, so that the sums never go backwards. Guarded by itself. */
    private final Map<String, Long> retiredRouterCounts = new LinkedHashMap<>();
    private final UdpIo io;
    /** Phone legs per worker (index as in {@link #workers}), for placing the next one. */
    private final AtomicInteger[] phoneLegs;
    private final java.util.Set<se.vardmote.media.phone.PhoneLeg> openPhoneLegs =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private MediaEngine(MediaConfig config, EventLoopGroup group, HandshakePool handshakes,
                        DtlsCertificate certificate, List<MediaWorker> workers, UdpIo io) {
        this.io = io;
        this.phoneLegs = new AtomicInteger[workers.size()];
        for (int i = 0; i < phoneLegs.length; i++) phoneLegs[i] = new AtomicInteger();
        this.config = config;
        this.group = group;
        this.handshakes = handshakes;
        this.certificate = certificate;
        this.workers = workers;
    }

    /** Binds the sockets and starts the workers. */
    public static MediaEngine start(MediaConfig config) throws InterruptedException {
        UdpIo io = UdpIo.best();
        EventLoopGroup group = io.newGroup(config.workers(), new DefaultThreadFactory("media-worker"));
        HandshakePool handshakes = new HandshakePool(config.dtlsHandshakes(), config.dtlsHandshakeTimeout());
        DtlsCertificate certificate = DtlsCertificate.generate("vardmote");
        String aes = se.vardmote.media.srtp.SrtpSession.settleCiphers();
        List<MediaWorker> workers = new ArrayList<>();
        try {
            Iterator<?> loops = group.iterator();
            for (int i = 0; i < config.workers(); i++) {
                MediaWorker worker = new MediaWorker(i, (EventLoop) loops.next(), config, certificate, handshakes);
                worker.bind(io);
                workers.add(worker);
            }
        } catch (RuntimeException | InterruptedException e) {
            for (MediaWorker w : workers) w.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            handshakes.close();
            throw e;
        }
        MediaEngine engine = new MediaEngine(config, group, handshakes, certificate, List.copyOf(workers), io);
        Thread warmUp = new Thread(se.vardmote.media.mixer.AudioMixer::warmUp, "opus-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
        LOG.log(System.Logger.Level.INFO, "media plane on {0} UDP ports {1}, ICE-TCP ports {2} ({3}, SRTP AES by {4}); "
                        + "DTLS handshakes: {5} threads, {6} in progress, {7} per source, {8} ms deadline",
                config.bindAddress().getHostAddress(), engine.ports(),
                config.tcpEnabled() ? engine.tcpPorts() : "off", io.name(), aes,
                config.dtlsHandshakes().threads(), config.dtlsHandshakes().maxInProgress(),
                config.dtlsHandshakes().maxPerSource(), Long.toString(config.dtlsHandshakeTimeout().toMillis()));
        return engine;
    }

    /** A new router for one room, placed on the worker with the fewest live (not yet closed) routers. */
    public Router createRouter() {
        MediaWorker worker = leastLoaded();
        Router router = new Router(worker.eventLoop(), worker);
        worker.routerCreated(router::isClosed);
        liveRouters.add(router);
        return router;
    }

    private MediaWorker leastLoaded() {
        return workers.stream()
                .min(Comparator.comparingInt(MediaWorker::routerCount).thenComparingInt(MediaWorker::transportCount))
                .orElseThrow();
    }

    /** The workers, one per port (for tests and tools that need a transport without a router). */
    public List<MediaWorker> workers() {
        return workers;
    }

    /** The UDP ports actually bound, one per worker (differs from the config when it asked for port 0). */
    public List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(workers.size());
        for (MediaWorker w : workers) ports.add(w.port());
        return List.copyOf(ports);
    }

    /** Whether every worker's media sockets are open. Any thread. */
    public boolean isServing() {
        for (MediaWorker w : workers) if (!w.isServing()) return false;
        return true;
    }

    /** The ICE-TCP ports actually bound, one per worker; empty when ICE-TCP is off. */
    public List<Integer> tcpPorts() {
        List<Integer> ports = new ArrayList<>(workers.size());
        for (MediaWorker w : workers) if (w.tcpPort() > 0) ports.add(w.tcpPort());
        return List.copyOf(ports);
    }

    /** SHA-256 fingerprint of the process's DTLS certificate, as in SDP: {@code AB:CD:...}. */
    public String certificateFingerprint() {
        return certificate.fingerprint();
    }

    /**
     * Counters by name ({@code stun.dropped.not_allowed}, {@code rtp.in.packets}, ...), summed over workers,
     * and the DTLS handshake pool's ({@code dtls.handshakes.refused.per_source}, ...).
     */
    public Map<String, Long> counters() {
        Map<String, Long> sum = new LinkedHashMap<>();
        for (MediaWorker w : workers) {
            w.counters().forEach((name, value) -> sum.merge(name, value, Long::sum));
        }
        handshakes.counters().forEach((name, value) -> sum.merge(name, value, Long::sum));
        return sum;
    }

    /** The DTLS handshake pool (its bounds and what is in progress), for tests and tools. */
    public HandshakePool handshakes() {
        return handshakes;
    }

    /**
     * Router counters ({@code rtp.forwarded}, {@code rtcp.nack.forwarded}, {@code rtcp.pli.sent}, ...) summed
     * over every router this engine created, closed ones included, so that each sum only grows. Any thread;
     * may lag (plain reads of loop-owned counters).
     */
    public Map<String, Long> routerCounters() {
        synchronized (retiredRouterCounts) {
            Map<String, Long> sum = new LinkedHashMap<>(retiredRouterCounts);
            for (Router r : liveRouters) {
                boolean wasClosed = r.isClosed(); // read first: a closed router's counts no longer change
                Map<String, Long> counts = r.counters();
                counts.forEach((name, value) -> sum.merge(name, value, Long::sum));
                if (wasClosed && liveRouters.remove(r)) {
                    counts.forEach((name, value) -> retiredRouterCounts.merge(name, value, Long::sum));
                }
            }
            return sum;
        }
    }

    /** Every subscriber's current downlink estimate over all live rooms, bits per second, sorted. Any thread. */
    public long[] subscriberEstimates() {
        java.util.stream.LongStream.Builder all = java.util.stream.LongStream.builder();
        for (Router r : liveRouters) {
            if (!r.isClosed()) r.subscriberEstimates(all::add);
        }
        return all.build().sorted().toArray();
    }

    /** Routers not yet closed (one per live room, plus any a room failed to close: a leak). Any thread. */
    public int routerCount() {
        int n = 0;
        for (Router r : liveRouters) if (!r.isClosed()) n++;
        return n;
    }

    /** Published streams over all routers not yet closed. Any thread; may lag (plain reads of loop state). */
    public int streamCount() {
        int n = 0;
        for (Router r : liveRouters) if (!r.isClosed()) n += r.streamCount();
        return n;
    }

    /** Subscriptions over all routers not yet closed. Any thread; may lag (plain reads of loop state). */
    public int subscriptionCount() {
        int n = 0;
        for (Router r : liveRouters) if (!r.isClosed()) n += r.subscriptionCount();
        return n;
    }

    /** The media event loops, one per worker (for the metrics' event-loop lag probe). */
    public List<EventLoop> eventLoops() {
        List<EventLoop> loops = new ArrayList<>(workers.size());
        for (MediaWorker w : workers) loops.add(w.eventLoop());
        return List.copyOf(loops);
    }

    /** Number of live transports over all workers. */
    public int transportCount() {
        int n = 0;
        for (MediaWorker w : workers) n += w.transportCount();
        return n;
    }

    public MediaConfig config() {
        return config;
    }

    /** Closes every transport and socket, then stops the loops and the DTLS threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        for (se.vardmote.media.phone.PhoneLeg leg : List.copyOf(openPhoneLegs)) leg.close();
        for (MediaWorker w : workers) w.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handshakes.close();
    }

    /**
     * A telephone call's media endpoint on its own UDP port (bound on the bind address, candidates
     * not involved: the SDP answer names {@code PhoneLeg.localAddress()}). Any thread.
     */
    public se.vardmote.media.phone.PhoneLeg createPhoneLeg(se.vardmote.media.phone.PhoneLegListener listener) {
        if (closed.get()) throw new IllegalStateException("media engine closed");
        // The worker with the least to do: a leg costs a 20 ms timer and its codec, a router its rooms' media.
        int best = 0;
        for (int i = 1; i < workers.size(); i++) {
            if (load(i) < load(best)) best = i;
        }
        AtomicInteger count = phoneLegs[best];
        count.incrementAndGet();
        se.vardmote.media.phone.PhoneLeg[] self = new se.vardmote.media.phone.PhoneLeg[1];
        try {
            self[0] = se.vardmote.media.phone.PhoneLeg.open(workers.get(best).eventLoop(), io, config, listener, () -> {
                count.decrementAndGet();
                if (self[0] != null) openPhoneLegs.remove(self[0]);
            });
        } catch (RuntimeException e) {
            count.decrementAndGet();
            throw e;
        }
        openPhoneLegs.add(self[0]);
        return self[0];
    }

    private int load(int worker) {
        MediaWorker w = workers.get(worker);
        return w.routerCount() + phoneLegs[worker].get() + w.transportCount() / 4;
    }

    /** Phone legs currently open. Any thread. */
    public int phoneLegCount() {
        return openPhoneLegs.size();
    }
}
