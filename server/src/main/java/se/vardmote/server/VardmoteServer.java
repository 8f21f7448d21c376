package se.vardmote.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import se.vardmote.media.MediaEngine;
import se.vardmote.server.http.Bookings;
import se.vardmote.server.http.Capabilities;
import se.vardmote.server.http.ClientAddress;
import se.vardmote.server.http.MeetingApi;
import se.vardmote.server.http.RequestRouter;
import se.vardmote.server.http.StaticFiles;
import se.vardmote.server.metrics.ParticipantGroup;
import se.vardmote.server.metrics.ServerMetrics;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.Signalling;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.sip.AuditLogSink;
import se.vardmote.signalling.sip.AuditSink;
import se.vardmote.signalling.sip.DialRoute;
import se.vardmote.signalling.sip.MeetingServiceDirectory;
import se.vardmote.signalling.sip.PhoneLegCallMedia;
import se.vardmote.signalling.sip.PromptLibrary;
import se.vardmote.signalling.sip.RoomAdmission;
import se.vardmote.signalling.sip.SipConfig;
import se.vardmote.signalling.sip.SipServer;
import se.vardmote.signalling.meeting.AuditLog;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.store.RetentionPurge;
import se.vardmote.signalling.token.TokenService;

/**
 * The running server: owns the database, audit log, token service, meeting service, media engine, signalling, the
 * HTTP event loops and the small pool that runs blocking API calls. Started by {@link #start}, stopped by
 * {@link #close()} in reverse order. Thread-safe.
 *
 * <p>The HTTP socket is bound first, without accepting, so that an ephemeral port (tests) is known before
 * the meeting service needs the public URL for join links; connections are accepted once all is wired.
 */
public final class VardmoteServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VardmoteServer.class.getName());
    static final int DATABASE_PROBE_PERIOD_SECONDS = 5;
    static final int DATABASE_PROBE_TIMEOUT_SECONDS = 2;

    /** Threads for signalling work that may wait on the database (a join's look-ups, a lobby's audit rows). */
    static final int SIGNALLING_THREADS = 16;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile boolean ready;
    /** The last health probe's answer: the database answered within 2 s (probed every 5 s). */
    private volatile boolean databaseReachable = true;
    private volatile boolean draining;
    /** Wrong API keys per source: ten a minute, then 429. */
    private final SourceRateLimit wrongApiKeys = MeetingApi.wrongKeyLimit(System::nanoTime);
    private Database database;
    private volatile boolean closed;

    private ServerConfig config;
    private ApiKey apiKey;
    private EventLoopGroup httpGroup;
    private io.netty.util.concurrent.EventExecutorGroup signallingExecutors;
    private Channel serverChannel;
    private int httpPort;
    private String baseUrl;
    private MediaEngine media;
    private Signalling signalling;
    private SipServer sipServer;
    private final AtomicLong pinFailures = new AtomicLong();
    private ServerMetrics metrics;
    private AuditLog audit;
    private volatile MeetingApi meetingApi;

    private VardmoteServer() {
    }

    /**
     * Starts everything and begins accepting connections.
     *
     * @throws InvalidConfigException when the data directory or API key file cannot be used
     * @throws IllegalStateException  when a part fails to start; whatever had started is closed again
     */
    public static VardmoteServer start(ServerConfig config) throws InterruptedException {
        return start(config, null);
    }

    /**
     * Starts everything, with SIP dial-in when {@code sip} is not null.
     *
     * @see #start(ServerConfig)
     */
    public static VardmoteServer start(ServerConfig config, SipConfig sip) throws InterruptedException {
        VardmoteServer server = new VardmoteServer();
        try {
            server.startParts(config, sip);
            return server;
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
    }

    private void startParts(ServerConfig config, SipConfig sip) throws IOException, InterruptedException {
        this.config = config;
        Path dataDir = config.dataDir();
        createDataDirectory(dataDir);
        apiKey = ApiKey.resolve(config.apiKey(), dataDir);

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // HTTP and signalling are light; two loops keep one slow client from holding up the rest.
        httpGroup = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("vardmote-http"), io);
        toClose.push(() -> httpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        // Signalling reads the database on join: off the HTTP event loops, one ordered queue per connection.
        // Closed after the connections and signalling (the stack closes in reverse).
        signallingExecutors = HttpPipeline.signallingExecutors(SIGNALLING_THREADS);
        toClose.push(() -> signallingExecutors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());

        RouterHolder routes = new RouterHolder();
        serverChannel = new ServerBootstrap()
                .group(httpGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.AUTO_READ, false) // accept nothing until ready (see class comment)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(routes)
                .bind(new InetSocketAddress(config.bindAddress(), config.httpPort()))
                .sync()
                .channel();
        toClose.push(() -> serverChannel.close().syncUninterruptibly());
        httpPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        baseUrl = config.publicUrlFor(httpPort);

        database = Database.open(config.databaseUrl(), config.dbUser(), config.dbPassword());
        toClose.push(database);
        TokenService tokens = TokenService.fromDataDirectory(dataDir, Clock.systemUTC());
        audit = new AuditLog(database, Clock.systemUTC());
        MeetingService meetings = new MeetingService(database, tokens, baseUrl, Clock.systemUTC(), audit,
                config.meetingRules());
        // Upkeep off the loops (JDBC blocks): retention a minute after start, then hourly; the database probe.
        RetentionPurge purge = new RetentionPurge(database, Duration.ofDays(config.retentionDays()), Clock.systemUTC());
        java.util.concurrent.ScheduledExecutorService upkeep = java.util.concurrent.Executors.newScheduledThreadPool(2,
                new NamedThreads("vardmote-upkeep"));
        // /ready follows the database: probed here, never on the HTTP loop that answers /ready.
        upkeep.scheduleWithFixedDelay(() -> databaseReachable = database.isReachable(DATABASE_PROBE_TIMEOUT_SECONDS),
                DATABASE_PROBE_PERIOD_SECONDS, DATABASE_PROBE_PERIOD_SECONDS, TimeUnit.SECONDS);
        upkeep.scheduleWithFixedDelay(() -> {
            try {
                purge.purge();
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "retention purge failed (tried again in an hour): " + e.getClass().getName());
            }
        }, 1, 60, TimeUnit.MINUTES);
        toClose.push(() -> {
            upkeep.shutdownNow();
            upkeep.awaitTermination(5, TimeUnit.SECONDS);
        });
        media = MediaEngine.start(config.mediaConfig());
        toClose.push(media);
        signalling = new Signalling(media, meetings, tokens, audit, config.signallingConfig());
        toClose.push(signalling);
        if (sip != null) {
            PromptLibrary prompts = new PromptLibrary();
            MediaEngine engine = media;
            sipServer = SipServer.start(sip, () -> PhoneLegCallMedia.create(engine::createPhoneLeg, prompts),
                    new MeetingServiceDirectory(meetings, Clock.systemUTC()), new RoomAdmission(signalling.rooms()),
                    new PinFailureCount(new AuditLogSink(audit, false), pinFailures));
            toClose.push(sipServer);
        }
        SipServer sipCounters = sipServer;
        ClientAddress clients = new ClientAddress(config.trustedProxies());
        metrics = new ServerMetrics(signalling::roomCount, this::participantGroups, media::transportCount,
                () -> {
                    Map<String, Long> all = new LinkedHashMap<>(media.counters());
                    all.put("api.auth.failed", wrongApiKeys.recordedCount());
                    all.put("api.auth.rate_limited", wrongApiKeys.refusedCount());
                    MeetingApi api = meetingApi;
                    all.put("api.database_unavailable", api == null ? 0L : api.databaseUnavailableCount());
                    all.put("audit.write_failed", audit.failedWrites());
                    all.put("http.forwarded.missing", clients.missingCount());
                    all.put("http.forwarded.malformed", clients.malformedCount());
                    signalling.joinRefusals().forEach((reason, n) -> all.put("join.refused." + reason, n));
                    all.putAll(signalling.echoCounters());
                    media.routerCounters().forEach((k, v) -> all.merge(k, v, Long::sum));
                    if (sipCounters != null) {
                        sipCounters.counters().forEach((k, v) -> all.put(ServerMetrics.SIP_PREFIX + k, v));
                        all.put(ServerMetrics.SIP_PREFIX + "pin.failed", pinFailures.get());
                    }
                    return all;
                },
                media.eventLoops());
        metrics.registerSubscriberEstimates(media::subscriberEstimates);
        metrics.registerRouting(media::routerCount, media::streamCount, media::subscriptionCount);
        toClose.push(metrics);

        // Booking calls block on the database; they run here, never on an event loop. Closed before the
        // database, so that no call is cut off half way.
        ExecutorService blocking = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                new NamedThreads("vardmote-api"));
        ((ThreadPoolExecutor) blocking).allowCoreThreadTimeOut(true);
        toClose.push(() -> {
            blocking.shutdown();
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        });
        meetingApi = new MeetingApi(apiKey, Bookings.of(meetings), blocking, wrongApiKeys, clients);
        RequestRouter router = new RequestRouter(
                meetingApi,
                StaticFiles.fromClassPath(),
                metrics::scrape,
                this::isReady,
                new Capabilities(sip != null, config.maxGroupParticipants(), BookingRequest.MAX_PARTICIPANTS));
        Signalling sessions = signalling;
        routes.pipeline = new HttpPipeline(router,
                (SessionOutput out, SocketAddress remote) -> sessions.openSession(out, remote),
                signallingExecutors, clients);
        ready = true;
        serverChannel.config().setAutoRead(true);
        LOG.log(System.Logger.Level.INFO, "vardmote listening on {0} (HTTP on {1}:{2,number,#}, {3} transport); "
                + "media UDP ports {4} on {5}", baseUrl, config.bindAddress().getHostAddress(), httpPort,
                epoll ? "epoll" : "NIO", media.ports(), config.bindAddress().getHostAddress());
    }

    /** Lets the child handler be set before the HTTP socket binds and the pipeline be filled in later. */
    private static final class RouterHolder extends io.netty.channel.ChannelInitializer<Channel> {
        volatile HttpPipeline pipeline;

        @Override
        protected void initChannel(Channel ch) {
            HttpPipeline p = pipeline;
            if (p == null) {
                ch.close(); // cannot happen: accepting starts only after the pipeline is set
                return;
            }
            p.configure(ch.pipeline());
        }
    }

    private static void createDataDirectory(Path dataDir) {
        try {
            if (Files.isDirectory(dataDir)) return;
            if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // The directory holds the token secret, the API key and the database: owner only.
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dataDir);
            }
        } catch (IOException e) {
            throw new InvalidConfigException(ServerConfig.DATA_DIR, "cannot create the data directory " + dataDir
                    + " (" + e.getClass().getSimpleName() + "); point " + ServerConfig.DATA_DIR + " to a writable folder");
        }
    }

    /**
     * Counts wrong leader PINs on calls for the metrics; the audit log records them (the PIN check itself
     * writes {@code pin_failed}, so the SIP sink does not write them again).
     */
    private record PinFailureCount(AuditSink next, AtomicLong failures) implements AuditSink {
        @Override
        public void dialIn(String meetingId, se.vardmote.signalling.meeting.Role role, DialRoute route, String maskedNumber) {
            next.dialIn(meetingId, role, route, maskedNumber);
        }

        @Override
        public void pinFailed(String meetingId, String maskedNumber) {
            failures.incrementAndGet();
            next.pinFailed(meetingId, maskedNumber);
        }
    }

    /** Connected participants by role and by how they joined (video or phone), for the metrics. */
    private Map<ParticipantGroup, Integer> participantGroups() {
        Map<ParticipantGroup, Integer> groups = new LinkedHashMap<>();
        signalling.rooms().seatedByRoleAndVia().forEach((roleAndVia, count) -> groups.put(
                new ParticipantGroup(roleAndVia.get(0), roleAndVia.get(1)), count));
        return groups;
    }

    /** The SIP port actually bound, or -1 when dial-in is off. */
    public int sipPort() {
        return sipServer == null ? -1 : sipServer.port();
    }

    /** The HTTP port actually bound (differs from the config when it asked for 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The booking API key. A secret: never log it. */
    public String apiKey() {
        return apiKey.value();
    }

    /** Where the API key comes from (file path or environment variable): safe to log. */
    public String apiKeySource() {
        return apiKey.source();
    }

    /** The audit log (meetings' append-only event trail). */
    public AuditLog auditLog() {
        return audit;
    }

    public Signalling signalling() {
        return signalling;
    }

    public MediaEngine media() {
        return media;
    }

    /** The public base URL, without trailing slash: join links start with it. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The settings the server started with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * What {@code /ready} answers: started, not closing, the database answering (as last probed) and every
     * media socket open. A load balancer sends no new visits to a server that is not ready.
     */
    public boolean isReady() {
        return ready && !closed && !draining && databaseReachable && media.isServing();
    }

    /**
     * Drains before a shutdown: not ready any more (a load balancer sends new visits elsewhere), no new
     * visit starts here ({@code server_draining}), everyone in a live visit is told when the server closes,
     * and this returns when the last live visit has ended or {@code atMost} has passed. Then {@link #close}.
     */
    public void drain(Duration atMost) throws InterruptedException {
        draining = true;
        java.time.Instant closesAt = java.time.Instant.now().plus(atMost);
        signalling.rooms().drain(closesAt);
        LOG.log(System.Logger.Level.INFO, "draining: {0} live visits, waiting for them until {1}", signalling.roomCount(), closesAt);
        long deadline = System.nanoTime() + atMost.toNanos();
        while (signalling.roomCount() > 0 && System.nanoTime() < deadline) Thread.sleep(250);
        LOG.log(System.Logger.Level.INFO, "drained: {0} live visits left", signalling.roomCount());
    }

    /** The meeting database (tests that fail it on purpose). */
    Database database() {
        return database;
    }

    /** The UDP media ports, one per media worker. */
    public List<Integer> mediaPorts() {
        return media.ports();
    }

    /** The ICE-TCP media ports, one per media worker; empty when ICE-TCP is off. */
    public List<Integer> mediaTcpPorts() {
        return media.tcpPorts();
    }

    /** Stops accepting, then closes signalling, media, the database and the event loops, in reverse order of start. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ready = false;
        // Stop accepting first; live connections end when signalling closes their sessions.
        if (serverChannel != null) serverChannel.close().syncUninterruptibly();
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "error while shutting down: " + e.getClass().getName(), e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "vardmote stopped");
    }

    /** Names the server's threads so that a thread dump tells them apart from the media workers. */
    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
            t.setDaemon(false);
            return t;
        }
    }
}
