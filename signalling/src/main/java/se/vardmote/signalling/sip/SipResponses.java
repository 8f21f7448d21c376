package se.vardmote.signalling.sip;

import java.util.function.Consumer;
import javax.sip.ServerTransaction;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Builds and sends the server's SIP responses (RFC 3261 §8.2.6) on the stack's factories: status lines, the
 * To tag, Contact, Allow and Accept. A response that cannot be built counts {@code stack.errors}, one that
 * cannot be sent {@code send_failed}. Any thread (the factories and transactions are thread-safe).
 */
final class SipResponses {

    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO";
    static final String ACCEPT = "application/sdp, application/dtmf-relay, application/dtmf";

    final MessageFactory messages;
    final HeaderFactory headers;
    private final AddressFactory addresses;
    private final String bindAddress;
    private final int port;
    private final Consumer<String> count;

    SipResponses(MessageFactory messages, HeaderFactory headers, AddressFactory addresses, String bindAddress,
                 int port, Consumer<String> count) {
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
        this.bindAddress = bindAddress;
        this.port = port;
        this.count = count;
    }

    /** A response to {@code request}, or null (counted) when the stack cannot build one. */
    Response response(int status, Request request) {
        try {
            return messages.createResponse(status, request);
        } catch (java.text.ParseException e) {
            count.accept("stack.errors");
            return null;
        }
    }

    /** Answers {@code status}, with our To tag when {@code toTag} is not null. */
    void respond(ServerTransaction tx, Request request, int status, String toTag) {
        Response r = response(status, request);
        if (r == null) return;
        if (toTag != null) setToTag(r, toTag);
        send(tx, r);
    }

    /** Answers {@code status} with Allow and Accept (OPTIONS, 405, 415). */
    void respondWithAllowAccept(ServerTransaction tx, Request request, int status) {
        Response r = response(status, request);
        if (r == null) return;
        addAllowAccept(r);
        send(tx, r);
    }

    boolean send(ServerTransaction tx, Response r) {
        try {
            tx.sendResponse(r);
            return true;
        } catch (javax.sip.SipException | javax.sip.InvalidArgumentException | IllegalStateException e) {
            count.accept("send_failed");
            return false;
        }
    }

    void setToTag(Response r, String toTag) {
        try {
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    ContactHeader contact(String transport) throws java.text.ParseException {
        String host = bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]" : bindAddress;
        SipURI uri = addresses.createSipURI("vardmote", host);
        uri.setPort(port);
        uri.setTransportParam(transport);
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    void addAllowAccept(Response r) {
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
}
