package se.vardmote.signalling.sip;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.URI;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.Meeting;

/**
 * The SIP user agent server of dial-in (RFC 3261) over JAIN-SIP's reference implementation, on UDP and
 * TCP. It answers the telephony gateway's INVITEs with a phone leg's SDP, routes each call by its
 * Request-URI ({@link DialPlan}) to the {@link DialInIvr} or straight to a meeting, takes DTMF from SIP
 * INFO, and ends calls with BYE when the meeting is over. Who may talk to it at all (the gateway networks,
 * digest credentials, the per-source INVITE limit) is {@link OutsiderAdmission}'s call; each call's state is
 * a {@link SipCall}; responses are built by {@link SipResponses}.
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

    private final SipConfig config;
    private final CallMediaFactory mediaFactory;
    private final ConferenceDirectory directory;
    private final PhoneAdmission admission;
    private final AuditSink audit;
    private final DialPlan dialPlan;
    private final OutsiderAdmission outsiders;
    private final ScheduledExecutorService executor;
    private final CallThread callThread;
    private final Map<String, SipCall> calls = new HashMap<>(); // call thread only
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final AtomicInteger activeCalls = new AtomicInteger();
    private SipEndpoint endpoint;
    private SipProvider provider;
    private SipResponses responses;
    private int port;

    private SipServer(SipConfig config, CallMediaFactory mediaFactory, ConferenceDirectory directory,
                      PhoneAdmission admission, AuditSink audit, SourceRateLimit newInvites) {
        this.config = config;
        this.mediaFactory = mediaFactory;
        this.directory = directory;
        this.admission = admission;
        this.audit = audit;
        this.dialPlan = new DialPlan(config);
        this.outsiders = new OutsiderAdmission(config, newInvites, this::count);
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
        return start(config, media, directory, admission, audit, OutsiderAdmission.newInviteLimit(System::nanoTime));
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
        endpoint = SipEndpoint.open(config, this, this::count);
        provider = endpoint.provider;
        responses = endpoint.responses;
        port = endpoint.port;
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
                for (SipCall c : calls.values().toArray(new SipCall[0])) {
                    if (c.isAnswered()) sendBye(c, "server stopping");
                    else end(c, "server stopping");
                }
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
        if (endpoint != null) endpoint.stop();
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
        SipCall call = calls.get(SipRequests.callIdOf(request));
        if (!outsiders.admits(SipRequests.sourceOf(request), request, tx, call, responses)) return;
        switch (request.getMethod()) {
            case Request.INVITE -> {
                if (call != null && dialog != null && call.state == SipCall.State.CONFIRMED) onReInvite(call, request, tx);
                else if (call != null) responses.respond(tx, request, Response.REQUEST_PENDING, null); // RFC 3261 §14.2: 491
                else onInvite(request, tx);
            }
            case Request.CANCEL -> onCancel(call, request, tx);
            case Request.BYE -> onBye(call, request, tx);
            case Request.INFO -> onInfo(call, request, tx);
            case Request.OPTIONS -> {
                count("options");
                responses.respondWithAllowAccept(tx, request, Response.OK);
            }
            default -> {
                count("method_not_allowed");
                responses.respondWithAllowAccept(tx, request, Response.METHOD_NOT_ALLOWED);
            }
        }
    }

    private void onInvite(Request request, ServerTransaction tx) {
        count("invites");
        responses.respond(tx, request, Response.TRYING, null);
        DialPlan.Destination destination = dialPlan.route(SipRequests.userOf(request.getRequestURI()));
        if (destination == null) {
            count("refused.not_found");
            responses.respond(tx, request, Response.NOT_FOUND, null);
            return;
        }
        Meeting meeting = null;
        if (destination.route() != DialRoute.IVR) {
            Optional<Meeting> found;
            try {
                found = directory.findByConferenceId(destination.conferenceId());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: conference directory failed: " + e);
                responses.respond(tx, request, Response.SERVICE_UNAVAILABLE, null);
                return;
            }
            if (found.isEmpty()) {
                count("refused.not_found");
                responses.respond(tx, request, Response.NOT_FOUND, null);
                return;
            }
            if (!directory.isOpenForJoining(found.get())) {
                count("refused.not_open");
                responses.respond(tx, request, Response.TEMPORARILY_UNAVAILABLE, null);
                return;
            }
            meeting = found.get();
        }
        PhoneSdpOffer offer;
        try {
            offer = PhoneSdpOffer.parse(SipRequests.bodyOf(request));
        } catch (IllegalArgumentException e) {
            count("refused.not_acceptable");
            responses.respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null); // late offer too: not supported
            return;
        }
        PhoneSdpAnswer answer = PhoneSdpAnswer.choose(offer, config.preferOpus());
        if (answer == null || offer.port() == 0) {
            count("refused.not_acceptable");
            responses.respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null);
            return;
        }
        SipCall call = new SipCall(SipRequests.callIdOf(request), tx, destination, meeting,
                MaskedNumber.of(SipRequests.userOf(((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI())),
                SipRequests.transportOf(request));
        try {
            call.media = mediaFactory.create();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dial-in: no media for a call: " + e);
            responses.respond(tx, request, Response.SERVICE_UNAVAILABLE, null);
            return;
        }
        call.useAnswer(offer, answer);
        calls.put(call.callId, call);
        activeCalls.incrementAndGet();
        LOG.log(Level.INFO, "dial-in: call from " + call.maskedNumber + " via " + destination.route().wireName()
                + " (" + answer.codecName() + ")");
        responses.respond(tx, request, Response.RINGING, call.toTag);
        if (config.answerDelay().isZero()) answer(call);
        else call.answerTimer = callThread.schedule(config.answerDelay().toMillis(), () -> answer(call));
    }

    private void answer(SipCall call) {
        if (call.state != SipCall.State.RINGING) return;
        Request request = call.invite.getRequest();
        Response ok = responses.response(Response.OK, request);
        if (ok == null) return;
        responses.setToTag(ok, call.toTag);
        withSdp(ok, call, "sendrecv", true);
        if (responses.send(call.invite, ok)) {
            call.state = SipCall.State.ANSWERED;
            call.dialog = call.invite.getDialog();
            count("answered");
        } else {
            end(call, "answer failed");
        }
    }

    private void onAck(Request request) {
        SipCall call = calls.get(SipRequests.callIdOf(request));
        if (call == null || call.state != SipCall.State.ANSWERED) return; // ACK of a re-INVITE or of an error
        confirm(call);
    }

    /**
     * The caller has our 200: starts the IVR. Normally on the ACK; a request in the dialog (an INFO digit)
     * may overtake the ACK, on the wire or in the stack's threads, and then it confirms the call itself.
     */
    private void confirm(SipCall call) {
        call.state = SipCall.State.CONFIRMED;
        PromptLanguage language = call.destination.language();
        call.ivr = new DialInIvr(call.media, directory, admission, audit, callThread, language, call.maskedNumber,
                reason -> sendBye(call, reason));
        if (call.destination.route() == DialRoute.IVR) call.ivr.startIvr();
        else call.ivr.startDirect(call.meeting, call.destination.route());
    }

    private void onReInvite(SipCall call, Request request, ServerTransaction tx) {
        String direction = "sendrecv";
        String body = SipRequests.bodyOf(request);
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
                responses.respond(tx, request, Response.NOT_ACCEPTABLE_HERE, null); // the old session continues (§14.2)
                return;
            }
            call.useAnswer(offer, answer);
            direction = PhoneSdpAnswer.answerDirection(offer.direction());
        }
        call.sessionVersion++;
        Response ok = responses.response(Response.OK, request);
        if (ok == null) return;
        withSdp(ok, call, direction, false);
        responses.send(tx, ok);
    }

    private void onCancel(SipCall call, Request request, ServerTransaction tx) {
        responses.respond(tx, request, Response.OK, null);
        if (call == null || call.state != SipCall.State.RINGING) return; // too late: the BYE will follow (§9.2)
        count("cancelled");
        responses.respond(call.invite, call.invite.getRequest(), Response.REQUEST_TERMINATED, call.toTag);
        end(call, "cancelled");
    }

    private void onBye(SipCall call, Request request, ServerTransaction tx) {
        if (call == null) {
            responses.respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        count("bye.caller");
        responses.respond(tx, request, Response.OK, null);
        end(call, "caller hung up");
    }

    private void onInfo(SipCall call, Request request, ServerTransaction tx) {
        if (call == null) {
            responses.respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? null : type.getContentType() + "/" + type.getContentSubType();
        if (!DtmfInfo.supports(contentType)) {
            count("info.unreadable");
            responses.respondWithAllowAccept(tx, request, Response.UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        char key = DtmfInfo.parse(contentType, SipRequests.bodyOf(request));
        responses.respond(tx, request, Response.OK, null);
        if (key == DtmfInfo.NONE) {
            count("info.unreadable");
            return;
        }
        count("info.dtmf");
        if (call.state == SipCall.State.ANSWERED) confirm(call);
        if (call.ivr != null) call.ivr.onDigit(key);
    }

    /** The IVR or the admission ended the call: BYE (RFC 3261 §15.1.1), then free everything. */
    private void sendBye(SipCall call, String reason) {
        if (call.state == SipCall.State.ENDED) return;
        Dialog dialog = call.dialog;
        if (dialog != null && call.isAnswered()) {
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

    private void end(SipCall call, String reason) {
        if (call.state == SipCall.State.ENDED) return;
        if (calls.remove(call.callId) != null) activeCalls.decrementAndGet();
        call.end(reason);
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
            SipCall call = calls.get(callId);
            if (call != null) end(call, "dialog terminated");
        });
    }

    // --- small pieces -------------------------------------------------------------------------------

    /** Our Contact (RFC 3261 §13.3.1.1), Allow and Accept if asked, and the call's SDP. */
    private void withSdp(Response ok, SipCall call, String direction, boolean allowAccept) {
        try {
            ok.addHeader(responses.contact(call.transport));
            if (allowAccept) responses.addAllowAccept(ok);
            ok.setContent(call.sdp(direction), responses.headers.createContentTypeHeader("application", "sdp"));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
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
