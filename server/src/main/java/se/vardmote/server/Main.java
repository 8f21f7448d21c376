package se.vardmote.server;

import java.time.Duration;

import se.vardmote.media.net.LeakDetection;
import se.vardmote.signalling.sip.SipConfig;

/**
 * The shaded jar's entry point: reads the settings from the environment, starts the server and stops it
 * cleanly on SIGTERM/SIGINT. Runs on the main thread; the server's own threads keep the JVM alive.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("health")) {
            System.exit(HealthProbe.check(HealthProbe.localUrl(System.getenv())));
            return;
        }
        LeakDetection.offUnlessRequested();
        VardmoteServer server;
        try {
            ServerConfig config = ServerConfig.fromEnvironment(System.getenv());
            // Dial-in starts once the telephony gateway's networks or digest credentials are named: without
            // either no call is accepted.
            SipConfig sip = null;
            if (SipConfig.dialInRequested(System.getenv())) {
                try {
                    sip = SipConfig.fromEnv(System.getenv(), config.bindAddress().getHostAddress());
                } catch (IllegalArgumentException e) {
                    System.err.println("vardmote: cannot start: " + e.getMessage());
                    System.exit(2);
                    return;
                }
            }
            server = VardmoteServer.start(config, sip);
        } catch (InvalidConfigException e) {
            // The message names the variable and what to set; no stack trace needed for an operator's typo.
            System.err.println("vardmote: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "vardmote: cannot start", e);
            // Last, so that it is the line an operator sees under the trace.
            System.err.println("vardmote: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        VardmoteServer running = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: let live visits finish (up to VARDMOTE_DRAIN_SECONDS), then close cleanly.
            try {
                running.drain(Duration.ofSeconds(running.config().drainSeconds()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.close();
        }, "vardmote-shutdown"));
        LOG.log(System.Logger.Level.INFO, "vardmote is up: open {0}/ ; booking API at {0}/api/meetings", server.baseUrl());
        LOG.log(System.Logger.Level.INFO, "media on UDP ports {0} and ICE-TCP ports {1}, advertised as {2}", server.mediaPorts(), server.mediaTcpPorts(),
                server.config().advertisedAddresses().stream().map(java.net.InetAddress::getHostAddress).toList());
        LOG.log(System.Logger.Level.INFO, "the booking API key is in {0}", server.apiKeySource());
        if (server.sipPort() > 0) LOG.log(System.Logger.Level.INFO, "SIP dial-in on port {0,number,#} (UDP and TCP)", server.sipPort());
    }
}
