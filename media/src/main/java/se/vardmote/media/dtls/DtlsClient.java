package se.vardmote.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/**
 * The DTLS-SRTP client role (what a browser does): offers use_srtp profiles, presents its own certificate,
 * checks the server's certificate against the fingerprint from the server's SDP, and exports the SRTP keys.
 * For tests and the load tester. {@link #connect} blocks the calling thread; one instance per connection.
 */
public final class DtlsClient {

    /** The outcome of a handshake: the established association and the SRTP keys. */
    public record Result(DTLSTransport transport, SrtpKeyMaterial keys, String serverFingerprint) {}

    private final DtlsCertificate certificate;
    private final String expectedServerFingerprint;
    private final SrtpProfile[] offeredProfiles;
    private final int handshakeTimeoutMillis;

    /**
     * @param certificate               this client's own certificate (its fingerprint goes into the client's SDP)
     * @param expectedServerFingerprint the server's {@code a=fingerprint}; the handshake fails when it differs
     * @param offeredProfiles           use_srtp profiles in order of preference
     */
    public DtlsClient(DtlsCertificate certificate, String expectedServerFingerprint, SrtpProfile[] offeredProfiles,
                      int handshakeTimeoutMillis) {
        this.certificate = certificate;
        this.expectedServerFingerprint = expectedServerFingerprint;
        this.offeredProfiles = offeredProfiles.clone();
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Runs the handshake over {@code transport}; throws when it fails or times out. Blocking. */
    public Result connect(DatagramTransport transport) throws IOException {
        Peer peer = new Peer();
        DTLSTransport established = new DTLSClientProtocol().connect(peer, transport);
        return new Result(established, peer.keys, peer.serverFingerprint);
    }

    private final class Peer extends DefaultTlsClient {
        private SrtpProfile selected;
        private SrtpKeyMaterial keys;
        private String serverFingerprint;

        Peer() {
            super(certificate.crypto());
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return SrtpProfileNegotiation.cipherSuites(getCrypto());
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
            SrtpProfileNegotiation.offer(extensions, offeredProfiles);
            return extensions;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            selected = SrtpProfileNegotiation.selected(serverExtensions, offeredProfiles);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    String actual = DtlsCertificate.fingerprintOf(serverCertificate.getCertificate());
                    if (!DtlsCertificate.sameFingerprint(expectedServerFingerprint, actual)) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate, "server fingerprint does not match SDP");
                    }
                    serverFingerprint = actual;
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    return certificate.signer(context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            keys = SrtpProfileNegotiation.export(context, selected);
        }
    }
}
