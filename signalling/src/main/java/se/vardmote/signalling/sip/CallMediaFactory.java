package se.vardmote.signalling.sip;

/** Creates the media of one incoming call, before the SDP answer is written. Any thread. */
public interface CallMediaFactory {

    /** A new leg with its own UDP port; throws when none can be had (the server answers 503). */
    CallMedia create();
}
