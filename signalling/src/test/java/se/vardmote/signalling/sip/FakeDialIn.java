package se.vardmote.signalling.sip;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything a {@link SipServer} talks to, faked: call media, the conference directory (holding one open
 * meeting, {@link #ID}), room admission and the audit log. The SIP server itself is real.
 */
final class FakeDialIn implements AutoCloseable {
    final List<FakeCallMedia> medias = new CopyOnWriteArrayList<>();
    final FakeConferenceDirectory directory = new FakeConferenceDirectory();
    final FakePhoneAdmission admission = new FakePhoneAdmission();
    final FakeAuditSink audit = new FakeAuditSink();
    private final AtomicInteger nextMediaPort;
    private SipServer server;

    /** @param firstMediaPort the port the first fake call media claims (never bound) */
    FakeDialIn(int firstMediaPort) {
        nextMediaPort = new AtomicInteger(firstMediaPort);
        directory.add(SipServerSippTest.ID, false, true);
    }

    /** Starts the real SIP server against the fakes. */
    SipServer start(SipConfig config) throws Exception {
        server = SipServer.start(config, () -> {
            FakeCallMedia m = new FakeCallMedia(nextMediaPort.getAndIncrement());
            medias.add(m);
            return m;
        }, directory, admission, audit);
        return server;
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
