package se.vardmote.signalling.sip;

import java.net.InetSocketAddress;
import se.vardmote.media.phone.PhoneCodec;
import se.vardmote.media.phone.PhoneLeg;
import se.vardmote.media.phone.PhoneLegListener;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;

/**
 * {@link CallMedia} over media's {@link PhoneLeg}. Also the {@link PhoneLegListener} of its leg, which
 * forwards RFC 4733 digits to the IVR. The admission implementation reaches the leg's mix through
 * {@link #joinMix}/{@link #leaveMix}. Safe from any thread (the leg's methods are).
 */
public final class PhoneLegCallMedia implements CallMedia, PhoneLegListener {

    private final PromptLibrary prompts;
    private volatile PhoneLeg leg;
    private volatile DtmfListener dtmf;

    /** Create through {@link #create}: the leg needs its listener at birth. */
    private PhoneLegCallMedia(PromptLibrary prompts) {
        this.prompts = prompts;
    }

    /** A leg from the media engine, e.g. {@code listener -> engine.createPhoneLeg(listener)}. */
    public static PhoneLegCallMedia create(java.util.function.Function<PhoneLegListener, PhoneLeg> legs, PromptLibrary prompts) {
        PhoneLegCallMedia media = new PhoneLegCallMedia(prompts);
        media.leg = legs.apply(media);
        return media;
    }

    public PhoneLeg leg() {
        return leg;
    }

    @Override public String localAddress() { return leg.localAddress(); }

    @Override public int localPort() { return leg.localPort(); }

    @Override
    public void setRemote(InetSocketAddress rtp, String codecName, int payloadType, int telephoneEventPayloadType) {
        int clock = codecName.equalsIgnoreCase("opus") ? 48000 : 8000;
        leg.setRemote(rtp, new PhoneCodec(codecName, payloadType, clock), telephoneEventPayloadType);
    }

    @Override
    public long play(String promptName, boolean loop) {
        var prompt = prompts.get(promptName);
        leg.play(prompt, loop);
        return prompt.lengthMillis();
    }

    @Override public void stopPlayback() { leg.stopPlayback(); }

    @Override public void setDtmfListener(DtmfListener listener) { this.dtmf = listener; }

    @Override public void setMuted(boolean muted) { leg.setMuted(muted); }

    @Override public void close() { leg.close(); }

    /** Connects the caller to the room's mix (see {@link PhoneLeg#joinMix}). For the admission. */
    public PublishedStream joinMix(Router router) { return leg.joinMix(router); }

    /** Back out of the mix (see {@link PhoneLeg#leaveMix}). For the admission. */
    public void leaveMix() { leg.leaveMix(); }

    @Override
    public void onDtmf(PhoneLeg from, char digit) {
        DtmfListener l = dtmf;
        if (l != null) l.onDtmf(digit);
    }

    @Override
    public void onClosed(PhoneLeg from, String reason) {
        // The SIP call closes the leg itself; a media-plane shutdown ends the call through the SIP stop.
    }
}
