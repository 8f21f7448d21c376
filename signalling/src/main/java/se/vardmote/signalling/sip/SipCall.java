package se.vardmote.signalling.sip;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import se.vardmote.signalling.meeting.Meeting;

/**
 * One dial-in call from its INVITE to its end: its state (RFC 3261 §13.3: ringing, answered with our 200,
 * confirmed by the ACK, ended), its dialog, its media and its IVR. Owned by the {@link CallThread}; not
 * thread-safe.
 */
final class SipCall {

    private static final System.Logger LOG = System.getLogger(SipServer.class.getName());

    enum State { RINGING, ANSWERED, CONFIRMED, ENDED }

    final String callId;
    final ServerTransaction invite;
    final DialPlan.Destination destination;
    final Meeting meeting; // direct routes only
    final String maskedNumber;
    final String transport;
    final long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    final String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    long sessionVersion = 1;
    State state = State.RINGING;
    CallMedia media;
    PhoneSdpAnswer answer;
    DialInIvr ivr;
    Dialog dialog;
    CallThread.Timer answerTimer;

    SipCall(String callId, ServerTransaction invite, DialPlan.Destination destination, Meeting meeting,
            String maskedNumber, String transport) {
        this.callId = callId;
        this.invite = invite;
        this.destination = destination;
        this.meeting = meeting;
        this.maskedNumber = maskedNumber;
        this.transport = transport;
    }

    /** Our 200 is out (ACKed or not): the call has a dialog, and ending it takes a BYE. */
    boolean isAnswered() {
        return state == State.ANSWERED || state == State.CONFIRMED;
    }

    /** Takes the negotiated codec and where the gateway's RTP comes from (an INVITE's or a re-INVITE's offer). */
    void useAnswer(PhoneSdpOffer offer, PhoneSdpAnswer answer) {
        this.answer = answer;
        media.setRemote(new InetSocketAddress(offer.address(), offer.port()), answer.codecName(),
                answer.payloadType(), answer.telephoneEventPayloadType());
    }

    /** Our SDP for this call at its current session version. */
    String sdp(String direction) {
        return answer.write(media.localAddress(), media.localPort(), sessionId, sessionVersion, direction);
    }

    /** Ends the call here: stops its timer, tells its IVR, frees its media. False when it had ended already. */
    boolean end(String reason) {
        if (state == State.ENDED) return false;
        state = State.ENDED;
        if (answerTimer != null) answerTimer.cancel();
        if (ivr != null) ivr.callerHungUp();
        if (media != null) {
            try {
                media.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: media close failed: " + e);
            }
        }
        LOG.log(Level.INFO, "dial-in: call from " + maskedNumber + " ended: " + reason);
        return true;
    }
}
