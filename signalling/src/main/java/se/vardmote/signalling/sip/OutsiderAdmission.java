package se.vardmote.signalling.sip;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.sip.ServerTransaction;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import se.vardmote.signalling.limit.SourceRateLimit;

/**
 * Who may talk to the SIP server. The gateway networks always may. Anyone else gets 403, unless digest
 * credentials are configured: then a request is challenged (401) and let in with the right ones
 * ({@link DigestAuthenticator}, RFC 3261 §22.4); requests within a call it set up (CANCEL of its INVITE, BYE,
 * INFO, re-INVITE in its dialog) follow that call without a new challenge. An outsider may start at most
 * {@value #MAX_NEW_INVITES_PER_SOURCE} INVITEs per {@link #NEW_INVITE_WINDOW} from one address; past that it
 * gets 503 with Retry-After (RFC 3261 §21.5.4) before any challenge is made. The gateway networks are not
 * limited: one gateway carries every caller, and a flood through it would otherwise shut them all out.
 *
 * <p>Called on the {@link CallThread}. Never logs credentials or nonces.
 */
final class OutsiderAdmission {

    /** New INVITEs (not within a call) one address outside the gateway networks may send per window. */
    static final int MAX_NEW_INVITES_PER_SOURCE = 30;
    static final Duration NEW_INVITE_WINDOW = Duration.ofSeconds(10);
    /** Authorization headers read from one request at most. */
    private static final int MAX_AUTHORIZATION_HEADERS = 8;

    private final SipConfig config;
    private final DigestAuthenticator digest; // null: no digest configured
    private final SourceRateLimit newInvites;
    private final Consumer<String> count;

    OutsiderAdmission(SipConfig config, SourceRateLimit newInvites, Consumer<String> count) {
        this.config = config;
        this.digest = config.hasDigest() ? new DigestAuthenticator(config.digest()) : null;
        this.newInvites = newInvites;
        this.count = count;
    }

    /** The limit on outsiders' new INVITEs: {@value #MAX_NEW_INVITES_PER_SOURCE} per 10 s per address. */
    static SourceRateLimit newInviteLimit(LongSupplier nanoClock) {
        return new SourceRateLimit(MAX_NEW_INVITES_PER_SOURCE, NEW_INVITE_WINDOW, nanoClock);
    }

    /**
     * Whether the request may go on; when not, it has been answered (503, 403 or 401).
     *
     * @param call the call with the request's Call-ID, or null
     */
    boolean admits(InetAddress source, Request request, ServerTransaction tx, SipCall call, SipResponses responses) {
        if (config.isGateway(source)) return true;
        return !floods(source, request, tx, call, responses) && admitOutsider(request, tx, call, responses);
    }

    /**
     * An outsider's new INVITE (not of a call we have) over its address's limit: answered 503 with
     * Retry-After (RFC 3261 §21.5.4, §20.33) and true. Checked before the challenge, which it spares.
     */
    private boolean floods(InetAddress source, Request request, ServerTransaction tx, SipCall call,
                           SipResponses responses) {
        if (!Request.INVITE.equals(request.getMethod()) || call != null) return false;
        long wait = newInvites.tryAcquire(SourceRateLimit.sourceOf(source));
        if (wait == 0) return false;
        count.accept("refused.rate_limited");
        Response r = responses.response(Response.SERVICE_UNAVAILABLE, request);
        if (r == null) return true;
        try {
            r.addHeader(responses.headers.createRetryAfterHeader((int) Math.min(wait, Integer.MAX_VALUE)));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        responses.send(tx, r);
        return true;
    }

    /**
     * A request from outside the gateway networks: true when it may go on; otherwise it has been answered
     * (403 without digest, or 401/403 by its credentials).
     */
    private boolean admitOutsider(Request request, ServerTransaction tx, SipCall call, SipResponses responses) {
        if (digest == null) return forbid(request, tx, responses, "refused.not_allowed");
        if (Request.CANCEL.equals(request.getMethod())) {
            // A CANCEL can't be challenged (RFC 3261 §22.1): only one matching an INVITE we accepted (§9.2)
            if (call != null && sameBranch(request, call.invite.getRequest())) return true;
            return forbid(request, tx, responses, "refused.not_allowed");
        }
        if (call != null && call.toTag.equals(((ToHeader) request.getHeader(ToHeader.NAME)).getTag())) {
            return true; // within the dialog of a call we accepted: it follows its INVITE
        }
        List<String> values = new ArrayList<>();
        ListIterator<?> it = request.getHeaders(AuthorizationHeader.NAME);
        while (it != null && it.hasNext() && values.size() < MAX_AUTHORIZATION_HEADERS) {
            Object h = it.next();
            values.add(h instanceof gov.nist.javax.sip.header.SIPHeader sh ? sh.getHeaderValue() : "");
        }
        DigestAuthenticator.Verdict verdict = digest.verify(request.getMethod(), request.getRequestURI().toString(), values);
        switch (verdict) {
            case ACCEPTED -> {
                count.accept("digest.accepted");
                return true;
            }
            case MISSING, STALE -> {
                boolean stale = verdict == DigestAuthenticator.Verdict.STALE;
                count.accept(stale ? "digest.stale" : "digest.challenged");
                Response r = responses.response(Response.UNAUTHORIZED, request);
                if (r == null) return false;
                try {
                    for (String c : digest.challenges(stale)) {
                        r.addHeader(responses.headers.createHeader(WWWAuthenticateHeader.NAME, c));
                    }
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
                responses.send(tx, r);
                return false;
            }
            default -> {
                return forbid(request, tx, responses, "refused.bad_credentials");
            }
        }
    }

    private boolean forbid(Request request, ServerTransaction tx, SipResponses responses, String counter) {
        count.accept(counter);
        responses.respond(tx, request, Response.FORBIDDEN, null);
        return false;
    }

    private static boolean sameBranch(Request a, Request b) {
        ViaHeader va = (ViaHeader) a.getHeader(ViaHeader.NAME);
        ViaHeader vb = (ViaHeader) b.getHeader(ViaHeader.NAME);
        return va != null && vb != null && va.getBranch() != null && va.getBranch().equals(vb.getBranch());
    }
}
