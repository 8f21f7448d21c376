package se.vardmote.signalling.sip;

import java.net.InetSocketAddress;

/**
 * What the SIP layer and the IVR need from one call's media (the phone leg): where to send the SDP
 * answer's RTP, the gateway's address and codec, prompts, RFC 4733 DTMF, and closing. The production
 * implementation is {@link PhoneLegCallMedia} over media's {@code PhoneLeg}; tests use fakes.
 * Implementations are safe to call from any thread and call the {@link DtmfListener} on their own thread.
 */
public interface CallMedia {

    /** Told of each RFC 4733 key press (de-duplicated). Must not block; never log the digit. */
    interface DtmfListener {
        void onDtmf(char digit);
    }

    /** The address for the SDP answer's {@code c=} line. */
    String localAddress();

    /** The UDP port for the SDP answer's {@code m=audio} line. */
    int localPort();

    /**
     * The gateway's RTP address and the negotiated codec (symmetric RTP: the leg answers to where packets
     * really come from once any arrive).
     *
     * @param codecName               {@code PCMU}, {@code PCMA} or {@code opus}
     * @param payloadType             the codec's payload type
     * @param telephoneEventPayloadType the negotiated telephone-event payload type, -1 if none
     */
    void setRemote(InetSocketAddress rtp, String codecName, int payloadType, int telephoneEventPayloadType);

    /**
     * Queues a prompt after whatever is playing, once or looped until {@link #stopPlayback()}.
     *
     * @param promptName a resource under {@code prompts/} without {@code .wav}: {@code sv/welcome},
     *                   {@code en/goodbye}, {@code wait-tone}
     * @return the prompt's length in milliseconds (one round when looped), so the IVR can time its
     *         no-input timeout from the end of what it said; 0 if unknown
     */
    long play(String promptName, boolean loop);

    /** Stops the current prompt and forgets the queue (barge-in, admission). */
    void stopPlayback();

    /** Where RFC 4733 digits go; replaces any earlier listener. */
    void setDtmfListener(DtmfListener listener);

    /** Muted, the caller's voice no longer reaches the room (it still hears the room). */
    void setMuted(boolean muted);

    /** Frees the port. Idempotent. */
    void close();
}
