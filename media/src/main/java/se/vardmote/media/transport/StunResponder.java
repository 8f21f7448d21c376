package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import se.vardmote.media.ice.IceLiteAgent;
import se.vardmote.media.ice.MessageIntegrity;
import se.vardmote.media.ice.StunBinding;
import se.vardmote.media.ice.StunMessage;

/**
 * The ICE-lite side of a worker's connectivity checks: a STUN Binding request (from a datagram or an ICE-TCP
 * frame) names its transport by the USERNAME's first half; the transport's {@link IceLiteAgent} checks it
 * (MESSAGE-INTEGRITY, FINGERPRINT, RFC 8445 §7.3), and a valid one binds its source (address, or connection) to
 * the transport and is answered with XOR-MAPPED-ADDRESS. Responses and indications need no answer from a lite
 * agent (RFC 8445 §2.5). Every drop is counted by reason.
 * Owned by the worker's event loop; not thread-safe (one reusable STUN view).
 */
final class StunResponder {

    private final MediaWorker worker;
    private final StunMessage stun = new StunMessage();
    private final MessageIntegrity integrity = new MessageIntegrity();

    StunResponder(MediaWorker worker) {
        this.worker = worker;
    }

    /** A STUN message from {@code from}: a datagram, or a frame of the ICE-TCP connection {@code link}. Borrows it. */
    void onStun(ByteBuf content, InetSocketAddress from, TcpMediaLink link) {
        if (!stun.wrap(content)) {
            worker.count(WorkerCounter.STUN_DROPPED_MALFORMED);
            return;
        }
        if (!stun.isBindingRequest()) {
            worker.count(WorkerCounter.STUN_DROPPED_NOT_REQUEST);
            return;
        }
        String ufrag = stun.localUfrag();
        WorkerTransport t = ufrag == null ? null : worker.transportByUfrag(ufrag);
        if (t == null || t.isClosed()) {
            worker.count(WorkerCounter.STUN_DROPPED_UNKNOWN_UFRAG);
            return;
        }
        if (link != null && link.transport() != null && link.transport() != t) {
            worker.count(WorkerCounter.STUN_DROPPED_OTHER_TRANSPORT); // one connection serves one transport
            return;
        }
        IceLiteAgent agent = t.agent();
        InetSocketAddress before = agent.selectedAddress();
        switch (agent.onBindingRequest(stun, from, integrity, System.nanoTime())) {
            case BAD_INTEGRITY -> {
                worker.count(WorkerCounter.STUN_DROPPED_BAD_INTEGRITY);
                return;
            }
            case BAD_USERNAME -> {
                worker.count(WorkerCounter.STUN_DROPPED_BAD_USERNAME);
                return;
            }
            case TOO_MANY_ADDRESSES -> {
                worker.count(WorkerCounter.STUN_DROPPED_TOO_MANY_ADDRESSES);
                return;
            }
            case ACCEPTED -> { }
        }
        if (link != null) {
            link.bind(t);
        } else {
            worker.bindAddress(from, t);
        }
        if (before != null && !before.equals(agent.selectedAddress())) {
            worker.count(WorkerCounter.ICE_SELECTED_CHANGED);
        }
        ByteBuf response = worker.channel().alloc().buffer(128);
        StunBinding.writeSuccessResponse(response, stun, from, agent.key(), integrity);
        worker.countOut(response.readableBytes());
        if (link != null) {
            link.write(response, false);
        } else {
            worker.writer().write(response, from);
        }
        worker.count(WorkerCounter.STUN_ANSWERED);
    }
}
