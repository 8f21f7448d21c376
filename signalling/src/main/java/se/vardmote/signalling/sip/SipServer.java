package se.vardmote.signalling.sip;

import gov.nist.javax.sip.message.SIPMessage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.Meeting;

/**
 * The SIP user agent server of dial-in (RFC 3261) over JAIN-SIP's reference implementation, on UDP and
 * TCP. It answers the telephony gateway's INVITEs with a phone leg's SDP, routes each call by its
 * Request-URI ({@link DialPlan}) to the {@link DialInIvr} or straight to a meeting, takes DTMF from SIP
 * INFO, and ends calls with BYE when the meeting is over. Requests from outside the configured gateway
 * networks get 403, unless digest credentials are configured: then they are challenged (401) and let in
 * with the right ones ({@link DigestAuthenticator}, RFC 3261 §22.4); requests within a call they set up
 * (CANCEL of its INVITE, BYE, INFO, re-INVITE in its dialog) follow it without a new challenge. An
 * outsider may start at most {@value #MAX_NEW_INVITES_PER_SOURCE} INVITEs per {@link #NEW_INVITE_WINDOW}
 * from one address; past that it gets 503 with Retry-After (RFC 3261 §21.5.4) before any challenge is
 * made. The gateway networks are not limited: one gateway carries every caller, and a flood through it
 * would otherwise shut them all out.
 *
 * <p>Threads: the stack's threads deliver messages; each is re-posted to the one {@link CallThread}
 * ("vardmote-sip-calls") that owns the call table and every IVR, so call state takes no locks. Only the
 * stack's transaction objects are touched from both (they are thread-safe). Nothing here logs a phone
 * number in full, a digit or a message body: the stack's own message log is {@link SipStackLog}.
 *
 * <p>Transactions follow RFC 3261 §13.3 and §17.2: 100 Trying at once, 180 Ringing with the To tag, then
 * 200 OK with the SDP answer (the stack retransmits it until the ACK, §13.3.1.4), CANCEL before the answer
 * → 200 for the CANCEL and 487 for the INVITE (§9.2), BYE from either side, re-INVITE answered with the
 * current SDP (hold: {@code sendonly} → {@code recvonly}, RFC 3264 §8.4).
 */
public final class SipServer implements SipListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SipServer.class.getName());
    private static final AtomicInteger STACKS = new AtomicInteger();
    /** Largest message accepted over TCP (the stack's limit); UDP datagrams are bounded by the MTU anyway. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024;
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO";
    static final String ACCEPT = "application/sdp, application/dtmf-relay, application/dtmf";
    /** New INVITEs (not within a call) one address outside the gateway networks may send per window. */
    static final int MAX_NEW_INVITES_PER_SOURCE = 30;
    static final java.time.Duration NEW_INVITE_WINDOW = java.time.Duration.ofSeconds(10);

    private enum CallState { RINGING, ANSWERED, CONFIRMED, ENDED }

    /** One call. Owned by the call thread. */
    private final class Call {
        final String callId;
        final ServerTransaction invite;
        final DialPlan.Destination destination;
        final Meeting meeting; // direct routes only
        final String maskedNumber;
        final String transport;
        final long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        final String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        long sessionVersion = 1;
        CallState state = CallState.RINGING;
        CallMedia media;
        PhoneSdpAnswer answer;
        DialInIvr ivr;
        Dialog dialog;
        CallThread.Timer answerTimer;

        Call(String callId, ServerTransaction invite, DialPlan.Destination destination, Meeting meeting,
             String maskedNumber, String transport) {
            this.callId = callId;
            this.invite = invite;
            this.destination = destination;
            this.meeting = meeting;
            this.maskedNumber = maskedNumber;
            this.transport = transport;
        }
    }

    private final SipConfig config;
    private final CallMediaFactory mediaFactory;
    private final ConferenceDirectory directory;
    private final PhoneAdmission admission;
    private final AuditSink audit;
    private final DialPlan dialPlan;
    private final DigestAuthenticator digest; // null: no digest configured
    private final SourceRateLimit newInvites; // outsiders only
    private final ScheduledExecutorService executor;
    private final CallThread callThread;
    private final Map<String, Call> calls = new HashMap<>(); // call thread only
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final AtomicInteger activeCalls = new AtomicInteger();
    private SipStack stack;
    private SipProvider provider;
    private MessageFactory messages;
    private HeaderFactory headers;
    private AddressFactory addresses;
    private int port;

    private SipServer(SipConfig config, CallMediaFactory mediaFactory, ConferenceDirectory directory,
                      PhoneAdmission admission, AuditSink audit, SourceRateLimit newInvites) {
        this.config = config;
        this.newInvites = newInvites;
        this.mediaFactory = mediaFactory;
        this.directory = directory;
        this.admission = admission;
        this.audit = audit;
        this.dialPlan = new DialPlan(config);
        this.digest = config.hasDigest() ? new DigestAuthenticator(config.digest()) : null;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vardmote-sip-calls");
            t.setDaemon(true);
            return t;
        });
        this.callThread = new CallThread() {
            @Override public long nowMillis() { return System.nanoTime() / 1_000_000; }

            @Override public Timer schedule(long delayMillis, Runnable task) {
                ScheduledFuture<?> f = executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override public void execute(Runnable task) {
                try {
                    executor.execute(guarded(task));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // shut down: nothing left to do
                }
            }
        };
    }

    /**
     * Starts listening on UDP and TCP at {@code config.bindAddress():config.port()} (a free port when 0).
     * This is what the server's wiring calls.
     */
    public static SipServer start(SipConfig config, CallMediaFactory media, ConferenceDirectory directory,
                                  PhoneAdmission admission, AuditSink audit) throws IOException {
        return start(config, media, directory, admission, audit, newInviteLimit(System::nanoTime));
    }

    /** The limit on outsiders' new INVITEs: {@value #MAX_NEW_INVITES_PER_SOURCE} per 10 s per address. */
    static SourceRateLimit newInviteLimit(java.util.function.LongSupplier nanoClock) {
        return new SourceRateLimit(MAX_NEW_INVITES_PER_SOURCE, NEW_INVITE_WINDOW, nanoClock);
    }

    /** @param newInvites the limit on outsiders' new INVITEs (tests move its clock) */
    static SipServer start(SipConfig config, CallMediaFactory media, ConferenceDirectory directory,
                           PhoneAdmission admission, AuditSink audit, SourceRateLimit newInvites) throws IOException {
        SipServer server = new SipServer(config, media, directory, admission, audit, newInvites);
        try {
            server.listen();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.log(Level.INFO, "SIP dial-in listening on " + config.bindAddress() + ":" + server.port + " (UDP and TCP); "
                + config.gateways().size() + " gateway network(s) allowed"
                + (config.hasDigest() ? ", digest in realm " + config.digest().realm() : ""));
        return server;
    }

    private void listen() throws IOException {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "vardmote-sip-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLog.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", SipStackLog.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "2000");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        try {
            stack = factory.createSipStack(p);
            messages = factory.createMessageFactory();
            headers = factory.createHeaderFactory();
            addresses = factory.createAddressFactory();
            int wanted = config.port();
            ListeningPoint udp = null;
            ListeningPoint tcp = null;
            for (int attempt = 0; attempt < 10 && tcp == null; attempt++) {
                port = wanted != 0 ? wanted : freePort(config.bindAddress());
                try {
                    udp = stack.createListeningPoint(config.bindAddress(), port, ListeningPoint.UDP);
                    tcp = stack.createListeningPoint(config.bindAddress(), port, ListeningPoint.TCP);
                } catch (javax.sip.TransportNotSupportedException | javax.sip.InvalidArgumentException e) {
                    if (udp != null) stack.deleteListeningPoint(udp);
                    udp = null;
                    if (wanted != 0) throw new IOException("cannot listen for SIP on " + config.bindAddress() + ":" + wanted
                            + ": " + e.getMessage() + " (set VARDMOTE_SIP_PORT)", e);
                }
            }
            if (tcp == null) throw new IOException("no free port for SIP on " + config.bindAddress());
            provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            provider.addSipListener(this);
            stack.start();
        } catch (javax.sip.SipException | java.util.TooManyListenersException e) {
            throw new IOException("cannot start SIP: " + e.getMessage(), e);
        }
    }

    private static int freePort(String bind) throws IOException {
        InetAddress address = InetAddress.getByName(bind);
        for (int i = 0; i < 20; i++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0, 1, address)) {
                candidate = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(address, candidate))) {
                return candidate;
            } catch (IOException taken) {
                // UDP side in use: try another
            }
        }
        throw new IOException("no free port for SIP on " + bind);
    }

    /** The port SIP listens on (UDP and TCP). */
    public int port() {
        return port;
    }

    /** Calls from INVITE until their end. */
    public int activeCalls() {
        return activeCalls.get();
    }

    /**
     * Counters by name for metrics: {@code invites}, {@code answered}, {@code refused.not_allowed},
     * {@code refused.not_found}, {@code refused.not_acceptable}, {@code cancelled}, {@code bye.caller},
     * {@code bye.server}, {@code info.dtmf}, {@code info.unreadable}, {@code options},
     * {@code method_not_allowed}, {@code stack.errors} (malformed messages among them),
     * {@code refused.rate_limited} (an outsider's INVITE flood); with digest:
     * {@code digest.challenged}, {@code digest.stale}, {@code digest.accepted}, {@code refused.bad_credentials}.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        out.put("stack.errors", SipStackLog.ERRORS.sum());
        return out;
    }

    private void count(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    /** Sends BYE on every live call, then stops the stack. */
    @Override
    public void close() {
        try {
            executor.submit(() -> {
                for (Call c : calls.values().toArray(new Call[0])) {
                    if (c.state == CallState.CONFIRMED || c.state == CallState.ANSWERED) sendBye(c, "server stopping");
                    else end(c, "server stopping");
                }
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
        if (stack != null) stack.stop();
        executor.shutdownNow();
    }

    // --- requests ----------------------------------------------------------------------------------

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        if (Request.ACK.equals(method)) {
            callThread.execute(() -> onAck(request));
            return;
        }
        ServerTransaction st = event.getServerTransaction();
        if (st == null) {
            try {
                st = provider.getNewServerTransaction(request);
            } catch (TransactionAlreadyExistsException retransmission) {
                return; // the stack absorbs it
            } catch (javax.sip.TransactionUnavailableException e) {
                count("stack.unavailable");
                return;
            }
        }
        ServerTransaction tx = st;
        Dialog dialog = event.getDialog();
        callThread.execute(() -> dispatch(request, tx, dialog));
    }

    private void dispatch(Request request, ServerTransaction tx, Dialog dialog) {
        InetAddress source = sourceOf(request);
        if (!config.isGateway(source) && (floods(source, request, tx) || !admitOutsider(request, tx))) return;
        switch (request.getMethod()) {
            case Request.INVITE -> {
                Call existing = calls.get(callIdOf(request));
                if (existing != null && dialog != null && existing.state == CallState.CONFIRMED) onReInvite(existing, request, tx);
                else if (existing != null) respond(tx, request, Response.REQUEST_PENDING, null); // RFC 3261 §14.2: 491
                else onInvite(request, tx);
            }
            case Request.CANCEL -> onCancel(request, tx);
            case Request.BYE -> onBye(request, tx);
            case Request.INFO -> onInfo(request, tx);
            case Request.OPTIONS -> {
                count("options");
                Response r = response(Response.OK, request);
                if (r != null) {
                    addAllowAccept(r);
                    send(tx, r);
                }
            }
            default -> {
                count("method_not_allowed");
                Response r = response(Response.METHOD_NOT_ALLOWED, request);
                if (r != null) {
                    addAllowAccept(r);
                    send(tx, r);
                }
            }
        }
    }

    /**
     * An outsider's new INVITE (not of a call we have) over its address's limit: answered 503 with
     * Retry-After (RFC 3261 §21.5.4, §20.33) and true. Checked before the challenge, which it spares.
     */
    private boolean floods(InetAddress source, Request request, ServerTransaction tx) {
        if (!Request.INVITE.equals(request.getMethod()) || calls.containsKey(callIdOf(request))) return false;
        long wait = newInvites.tryAcquire(SourceRateLimit.sourceOf(source));
        if (wait == 0) return false;
        count("refused.rate_limited");
        Response r = response(Response.SERVICE_UNAVAILABLE, request);
        if (r == null) return true;
        try {
            r.addHeader(headers.createRetryAfterHeader((int) Math.min(wait, Integer.MAX_VALUE)));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        send(tx, r);
        return true;
    }

    /**
     * A request from outside the gateway networks: true when it may go on; otherwise it has been answered
     * (403 without digest, or 401/403 by its credentials). Never logs the credentials or the nonce.
     */
    private boolean admitOutsider(Request request, ServerTransaction tx) {
        if (digest == null) {
            count("refused.not_allowed");
            respond(tx, request, Response.FORBIDDEN, null);
            return false;
        }
        Call call = calls.get(callIdOf(request));
        if (Request.CANCEL.equals(request.getMethod())) {
            // A CANCEL can't be challenged (RFC 3261 §22.1): only one matching an INVITE we accepted (§9.2)
            if (call != null && sameBranch(request, call.invite.getRequest())) return true;
            count("refused.not_allowed");
            respond(tx, request, Response.FORBIDDEN, null);
            return false;
        }
        if (call != null && call.toTag.equals(((ToHeader) request.getHeader(ToHeader.NAME)).getTag())) {
            return true; // within the dialog of a call we accepted: it follows its INVITE
        }
        java.util.List<String> values = new java.util.ArrayList<>();
        java.util.ListIterator<?> it = request.getHeaders(javax.sip.header.AuthorizationHeader.NAME);
        while (it != null && it.hasNext() && values.size() < 8) {
            Object h = it.next();
            values.add(h instanceof gov.nist.javax.sip.header.SIPHeader sh ? sh.getHeaderValue() : "");
        }
        DigestAuthenticator.Verdict verdict = digest.verify(request.getMethod(), request.getRequestURI().toString(), values);
        switch (verdict) {
            case ACCEPTED -> {
                count("digest.accepted");
                return true;
            }
            case MISSING, STALE -> {
                count(verdict == DigestAuthenticator.Verdict.STALE ? "digest.stale" : "digest.challenged");
                Response r = response(Response.UNAUTHORIZED, request);
                if (r == null) return false;
                try {
                    for (String c : digest.challenges(verdict == DigestAuthenticator.Verdict.STALE)) {
                        r.addHeader(headers.createHeader(javax.sip.header.WWWAuthenticateHeader.NAME, c));
                    }
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
                send(tx, r);
                return false;
            }
            default -> {
                count("refused.bad_credentials");
                respond(tx, request, Response.FORBIDDEN, null);
                return false;
            }
        }
    }

    private static boolean sameBranch(Request a, Request b) {
        ViaHeader va = (ViaHeader) a.getHeader(ViaHeader.NAME);
        ViaHeader vb = (ViaHeader) b.getHeader(ViaHeader.NAME);
        return va != null && vb != null && va.getBranch() != null && va.getBranch().equals(vb.getBranch());
    }

    private void onInvite(Request request, ServerTransaction tx) {
        count("invites");
        respond(tx, request, Response.TRYING, null);
        DialPlan.Destination destination = dialPlan.route(userOf(request.getRequestURI()));
        if (destination == null) {
            count("refused.not_found");
            respond(tx, request, Response.NOT_FOUND, null);
            return;
        }
        Meeting meeting = null;
        if (destination.route() != DialRoute.IVR) {
            Optional<Meeting> found;
            try {
                found = directory.findByConferenceId(destination.conferenceId());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: conference directory failed: " + e);
                respond(tx, request, Response.SERVICE_UNAVAILABLE, null);
                return;
            }
            if (found.isEmpty()) {
                count("refused.not_found");
                respond(tx, request, Response.NOT_FOUND, null);
                return;
            }
            if (!directory.isOpenForJoining(found.get())) {
                count("refused.not_open");
                respond(tx, request, Response.TEMPORARILY_UNAVAILABLE, null);
                return;
            }
            meeting = found.get();
        }
        PhoneSdpOffer offer;
        try {
            offer = PhoneSdpOffer.parse(bodyOf(request));
        } catch (IllegalArgumentException e) {
            count("refused.not_acceptable");
            respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null); // late offer too: not supported
            return;
        }
        PhoneSdpAnswer answer = PhoneSdpAnswer.choose(offer, config.preferOpus());
        if (answer == null || offer.port() == 0) {
            count("refused.not_acceptable");
            respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null);
            return;
        }
        Call call = new Call(callIdOf(request), tx, destination, meeting,
                MaskedNumber.of(userOf(((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI())),
                transportOf(request));
        try {
            call.media = mediaFactory.create();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dial-in: no media for a call: " + e);
            respond(tx, request, Response.SERVICE_UNAVAILABLE, null);
            return;
        }
        call.answer = answer;
        call.media.setRemote(new InetSocketAddress(offer.address(), offer.port()), answer.codecName(),
                answer.payloadType(), answer.telephoneEventPayloadType());
        calls.put(call.callId, call);
        activeCalls.incrementAndGet();
        LOG.log(Level.INFO, "dial-in: call from " + call.maskedNumber + " via " + destination.route().wireName()
                + " (" + answer.codecName() + ")");
        Response ringing = response(Response.RINGING, request);
        if (ringing != null) {
            try {
                ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(call.toTag);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
            send(tx, ringing);
        }
        if (config.answerDelay().isZero()) answer(call);
        else call.answerTimer = callThread.schedule(config.answerDelay().toMillis(), () -> answer(call));
    }

    private void answer(Call call) {
        if (call.state != CallState.RINGING) return;
        Request request = call.invite.getRequest();
        Response ok = response(Response.OK, request);
        if (ok == null) return;
        try {
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(call.toTag);
            ok.addHeader(contact(call.transport));
            addAllowAccept(ok);
            ok.setContent(sdp(call, "sendrecv"), headers.createContentTypeHeader("application", "sdp"));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        if (send(call.invite, ok)) {
            call.state = CallState.ANSWERED;
            call.dialog = call.invite.getDialog();
            count("answered");
        } else {
            end(call, "answer failed");
        }
    }

    private void onAck(Request request) {
        Call call = calls.get(callIdOf(request));
        if (call == null || call.state != CallState.ANSWERED) return; // ACK of a re-INVITE or of an error
        confirm(call);
    }

    /**
     * The caller has our 200: starts the IVR. Normally on the ACK; a request in the dialog (an INFO digit)
     * may overtake the ACK, on the wire or in the stack's threads, and then it confirms the call itself.
     */
    private void confirm(Call call) {
        call.state = CallState.CONFIRMED;
        PromptLanguage language = call.destination.language();
        call.ivr = new DialInIvr(call.media, directory, admission, audit, callThread, language, call.maskedNumber,
                reason -> sendBye(call, reason));
        if (call.destination.route() == DialRoute.IVR) call.ivr.startIvr();
        else call.ivr.startDirect(call.meeting, call.destination.route());
    }

    private void onReInvite(Call call, Request request, ServerTransaction tx) {
        String direction = "sendrecv";
        String body = bodyOf(request);
        if (body != null && !body.isEmpty()) {
            PhoneSdpOffer offer;
            PhoneSdpAnswer answer;
            try {
                offer = PhoneSdpOffer.parse(body);
                answer = PhoneSdpAnswer.choose(offer, config.preferOpus());
            } catch (IllegalArgumentException e) {
                answer = null;
                offer = null;
            }
            if (answer == null) {
                respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null); // the old session continues (§14.2)
                return;
            }
            call.answer = answer;
            call.media.setRemote(new InetSocketAddress(offer.address(), offer.port()), answer.codecName(),
                    answer.payloadType(), answer.telephoneEventPayloadType());
            direction = PhoneSdpAnswer.answerDirection(offer.direction());
        }
        call.sessionVersion++;
        Response ok = response(Response.OK, request);
        if (ok == null) return;
        try {
            ok.addHeader(contact(call.transport));
            ok.setContent(sdp(call, direction), headers.createContentTypeHeader("application", "sdp"));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        send(tx, ok);
    }

    private void onCancel(Request request, ServerTransaction tx) {
        Call call = calls.get(callIdOf(request));
        respond(tx, request, Response.OK, null);
        if (call == null || call.state != CallState.RINGING) return; // too late: the BYE will follow (§9.2)
        count("cancelled");
        respond(call.invite, call.invite.getRequest(), Response.REQUEST_TERMINATED, call.toTag);
        end(call, "cancelled");
    }

    private void onBye(Request request, ServerTransaction tx) {
        Call call = calls.get(callIdOf(request));
        if (call == null) {
            respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        count("bye.caller");
        respond(tx, request, Response.OK, null);
        end(call, "caller hung up");
    }

    private void onInfo(Request request, ServerTransaction tx) {
        Call call = calls.get(callIdOf(request));
        if (call == null) {
            respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? null : type.getContentType() + "/" + type.getContentSubType();
        if (!DtmfInfo.supports(contentType)) {
            count("info.unreadable");
            Response r = response(Response.UNSUPPORTED_MEDIA_TYPE, request);
            if (r != null) {
                addAllowAccept(r);
                send(tx, r);
            }
            return;
        }
        char key = DtmfInfo.parse(contentType, bodyOf(request));
        respond(tx, request, Response.OK, null);
        if (key == DtmfInfo.NONE) {
            count("info.unreadable");
            return;
        }
        count("info.dtmf");
        if (call.state == CallState.ANSWERED) confirm(call);
        if (call.ivr != null) call.ivr.onDigit(key);
    }

    /** The IVR or the admission ended the call: BYE (RFC 3261 §15.1.1), then free everything. */
    private void sendBye(Call call, String reason) {
        if (call.state == CallState.ENDED) return;
        Dialog dialog = call.dialog;
        if (dialog != null && (call.state == CallState.CONFIRMED || call.state == CallState.ANSWERED)) {
            try {
                Request bye = dialog.createRequest(Request.BYE);
                ClientTransaction ct = provider.getNewClientTransaction(bye);
                dialog.sendRequest(ct);
                count("bye.server");
            } catch (javax.sip.SipException e) {
                LOG.log(Level.WARNING, "dial-in: BYE not sent: " + e.getClass().getName());
            }
        }
        end(call, reason);
    }

    private void end(Call call, String reason) {
        if (call.state == CallState.ENDED) return;
        call.state = CallState.ENDED;
        if (call.answerTimer != null) call.answerTimer.cancel();
        if (calls.remove(call.callId) != null) activeCalls.decrementAndGet();
        if (call.ivr != null) call.ivr.callerHungUp();
        if (call.media != null) {
            try {
                call.media.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: media close failed: " + e);
            }
        }
        LOG.log(Level.INFO, "dial-in: call from " + call.maskedNumber + " ended: " + reason);
    }

    // --- responses, dialogs, timeouts ---------------------------------------------------------------

    @Override
    public void processResponse(ResponseEvent event) {
        // Only our BYEs have client transactions; their 200 (or an error) needs nothing more.
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        count("timeouts");
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        count("io_errors");
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // E.g. the 200 was never ACKed (RFC 3261 §13.3.1.4: the dialog ends after 64*T1).
        String callId = event.getDialog().getCallId().getCallId();
        callThread.execute(() -> {
            Call call = calls.get(callId);
            if (call != null) end(call, "dialog terminated");
        });
    }

    // --- small pieces -------------------------------------------------------------------------------

    private String sdp(Call call, String direction) {
        return call.answer.write(call.media.localAddress(), call.media.localPort(), call.sessionId, call.sessionVersion, direction);
    }

    private javax.sip.header.ContactHeader contact(String transport) throws java.text.ParseException {
        String host = config.bindAddress().indexOf(':') >= 0 ? "[" + config.bindAddress() + "]" : config.bindAddress();
        SipURI uri = addresses.createSipURI("vardmote", host);
        uri.setPort(port);
        uri.setTransportParam(transport);
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    private void addAllowAccept(Response r) {
        try {
            // JAIN-SIP builds list headers one value at a time (createHeader refuses a comma list)
            for (String method : ALLOW.split(", ")) r.addHeader(headers.createAllowHeader(method));
            for (String type : ACCEPT.split(", ")) {
                String[] t = type.split("/");
                r.addHeader(headers.createAcceptHeader(t[0], t[1]));
            }
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private Response response(int status, Request request) {
        try {
            return messages.createResponse(status, request);
        } catch (java.text.ParseException e) {
            count("stack.errors");
            return null;
        }
    }

    private void respond(ServerTransaction tx, Request request, int status, String toTag) {
        Response r = response(status, request);
        if (r == null) return;
        if (toTag != null) {
            try {
                ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        send(tx, r);
    }

    private boolean send(ServerTransaction tx, Response r) {
        try {
            tx.sendResponse(r);
            return true;
        } catch (javax.sip.SipException | javax.sip.InvalidArgumentException | IllegalStateException e) {
            count("send_failed");
            return false;
        }
    }

    private static InetAddress sourceOf(Request request) {
        if (request instanceof SIPMessage m) {
            InetAddress a = m.getPeerPacketSourceAddress();
            return a != null ? a : m.getRemoteAddress();
        }
        return null;
    }

    private static String callIdOf(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }

    private static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
    }

    private static String userOf(URI uri) {
        if (uri instanceof SipURI s) return s.getUser();
        if (uri instanceof TelURL t) return (t.isGlobal() ? "+" : "") + t.getPhoneNumber();
        return null;
    }

    private static String bodyOf(Request request) {
        byte[] raw = request.getRawContent();
        if (raw == null) return null;
        if (raw.length > PhoneSdpOffer.MAX_BYTES) return "";
        return new String(raw, StandardCharsets.UTF_8);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // the class only: a stack exception's message may quote a header, and so a phone number
                LOG.log(Level.WARNING, "dial-in: call task failed: " + e.getClass().getName()
                        + (e.getCause() != null ? " caused by " + e.getCause().getClass().getName() : ""));
            }
        };
    }
}
