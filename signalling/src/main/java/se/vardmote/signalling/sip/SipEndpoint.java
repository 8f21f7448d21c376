package se.vardmote.signalling.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;

/**
 * The JAIN-SIP stack of one {@link SipServer}: listening on one port over UDP and TCP (RFC 3261 §18), its
 * provider delivering to the server, and the factories its responses are built with ({@link SipResponses}).
 * Its own message log is {@link SipStackLog}, which writes no message content.
 */
final class SipEndpoint {
    /** Largest message accepted over TCP (the stack's limit); UDP datagrams are bounded by the MTU anyway. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024;
    private static final AtomicInteger STACKS = new AtomicInteger();

    private final SipStack stack;
    final SipProvider provider;
    final SipResponses responses;
    final int port;

    private SipEndpoint(SipStack stack, SipProvider provider, SipResponses responses, int port) {
        this.stack = stack;
        this.provider = provider;
        this.responses = responses;
        this.port = port;
    }

    /**
     * Starts a stack listening on UDP and TCP at {@code config.bindAddress():config.port()} (a free port for both
     * when 0), delivering to {@code listener}; {@code count} counts responses the stack cannot build.
     */
    static SipEndpoint open(SipConfig config, SipListener listener, Consumer<String> count) throws IOException {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "vardmote-sip-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLog.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", SipStackLog.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "2000");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        try {
            SipStack stack = factory.createSipStack(p);
            int wanted = config.port();
            int port = 0;
            ListeningPoint udp = null;
            ListeningPoint tcp = null;
            for (int attempt = 0; attempt < 10 && tcp == null; attempt++) {
                port = wanted != 0 ? wanted : freePort(config.bindAddress());
                try {
                    udp = stack.createListeningPoint(config.bindAddress(), port, ListeningPoint.UDP);
                    tcp = stack.createListeningPoint(config.bindAddress(), port, ListeningPoint.TCP);
                } catch (javax.sip.TransportNotSupportedException | javax.sip.InvalidArgumentException e) {
                    if (udp != null) stack.deleteListeningPoint(udp);
                    udp = null;
                    if (wanted != 0) throw new IOException("cannot listen for SIP on " + config.bindAddress() + ":" + wanted
                            + ": " + e.getMessage() + " (set VARDMOTE_SIP_PORT)", e);
                }
            }
            if (tcp == null) throw new IOException("no free port for SIP on " + config.bindAddress());
            SipResponses responses = new SipResponses(factory.createMessageFactory(), factory.createHeaderFactory(),
                    factory.createAddressFactory(), config.bindAddress(), port, count);
            SipProvider provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            provider.addSipListener(listener);
            stack.start();
            return new SipEndpoint(stack, provider, responses, port);
        } catch (javax.sip.SipException | java.util.TooManyListenersException e) {
            throw new IOException("cannot start SIP: " + e.getMessage(), e);
        }
    }

    private static int freePort(String bind) throws IOException {
        InetAddress address = InetAddress.getByName(bind);
        for (int i = 0; i < 20; i++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0, 1, address)) {
                candidate = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(address, candidate))) {
                return candidate;
            } catch (IOException taken) {
                // UDP side in use: try another
            }
        }
        throw new IOException("no free port for SIP on " + bind);
    }

    void stop() {
        stack.stop();
    }
}
