package se.vardmote.signalling.sip;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link CallMedia} that records what it was asked to do. Every prompt "lasts" one second. Thread-safe. */
final class FakeCallMedia implements CallMedia {

    static final long PROMPT_MILLIS = 1000;

    private final List<String> played = new ArrayList<>();
    private final int port;
    private volatile DtmfListener dtmf;
    private volatile InetSocketAddress remote;
    private volatile String codec;
    private volatile int telephoneEvent = -2;
    private volatile boolean closed;
    private volatile boolean looping;
    private volatile int stops;

    FakeCallMedia(int port) {
        this.port = port;
    }

    @Override public String localAddress() { return "127.0.0.1"; }

    @Override public int localPort() { return port; }

    @Override
    public void setRemote(InetSocketAddress rtp, String codecName, int payloadType, int telephoneEventPayloadType) {
        remote = rtp;
        codec = codecName + "/" + payloadType;
        telephoneEvent = telephoneEventPayloadType;
    }

    @Override
    public synchronized long play(String promptName, boolean loop) {
        played.add(promptName);
        if (loop) looping = true;
        return PROMPT_MILLIS;
    }

    @Override public synchronized void stopPlayback() { stops++; looping = false; }

    @Override public void setDtmfListener(DtmfListener listener) { dtmf = listener; }

    @Override public void close() { closed = true; }

    volatile boolean muted;

    @Override public void setMuted(boolean muted) { this.muted = muted; }

    /** Simulates an RFC 4733 key press from the gateway. */
    void press(char digit) {
        dtmf.onDtmf(digit);
    }

    synchronized List<String> played() { return List.copyOf(played); }

    synchronized String lastPlayed() { return played.isEmpty() ? null : played.get(played.size() - 1); }

    synchronized void clearPlayed() { played.clear(); }

    boolean closed() { return closed; }

    boolean looping() { return looping; }

    int stops() { return stops; }

    InetSocketAddress remote() { return remote; }

    String codec() { return codec; }

    int telephoneEvent() { return telephoneEvent; }
}
