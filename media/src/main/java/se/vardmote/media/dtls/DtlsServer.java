package se.vardmote.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import java.util.function.Supplier;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/**
 * The bctls server peer for one WebRTC DTLS-SRTP handshake (RFC 5763, RFC 5764): DTLS 1.2 only (bctls has
 * no DTLS 1.3 server; Chromium falls back), ECDHE-ECDSA suites, a client certificate is required and its
 * SHA-256 fingerprint must equal the one from SDP, use_srtp picks AES-128-GCM over CM-HMAC-SHA1-80, and the
 * SRTP keys are exported when the handshake completes.
 *
 * <p>Used by the handshake thread that runs {@code DTLSServerProtocol.accept}; the results are published
 * through volatile fields for the event loop.
 */
final class DtlsServer extends DefaultTlsServer {

    private static final System.Logger LOG = System.getLogger(DtlsServer.class.getName());

    private final DtlsCertificate certificate;
    private volatile int handshakeTimeoutMillis;
    private final Supplier<String> expectedFingerprint;
    private final SrtpProfile[] supportedProfiles;
    private SrtpProfile selectedProfile;
    private volatile SrtpKeyMaterial keys;
    private volatile String peerFingerprint;
    private volatile boolean fingerprintMismatch;
    private volatile boolean closedByPeer;

    /**
     * @param expectedFingerprint the {@code a=fingerprint} of the remote SDP, or null while it is unknown
     *                            (then the caller checks {@link #peerFingerprint()} once it is)
     */
    DtlsServer(DtlsCertificate certificate, Supplier<String> expectedFingerprint, SrtpProfile[] supportedProfiles) {
        super(certificate.crypto());
        this.certificate = certificate;
        this.expectedFingerprint = expectedFingerprint;
        this.supportedProfiles = supportedProfiles.clone();
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        // The default is TLS versions, which ends a DTLS handshake in protocol_version(70).
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SrtpProfileNegotiation.cipherSuites(getCrypto());
    }

    /** What is left of the handshake's deadline when a thread takes it; set before {@code accept}. */
    void setHandshakeTimeoutMillis(int millis) {
        this.handshakeTimeoutMillis = millis;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis; // the default 0 would wait forever
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return certificate.signer(context);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        selectedProfile = SrtpProfileNegotiation.choose(clientExtensions, supportedProfiles);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        SrtpProfileNegotiation.offer(extensions, new SrtpProfile[] {selectedProfile});
        return extensions;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public CertificateRequest getCertificateRequest() {
        // RFC 8827 §6.5: both sides authenticate with certificates whose fingerprints travel in SDP.
        Vector algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        String actual = DtlsCertificate.fingerprintOf(clientCertificate);
        if (actual == null) throw new TlsFatalAlert(AlertDescription.certificate_required);
        peerFingerprint = actual;
        String expected = expectedFingerprint.get();
        if (expected != null && !DtlsCertificate.sameFingerprint(expected, actual)) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "fingerprint does not match SDP");
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = SrtpProfileNegotiation.export(context, selectedProfile);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertDescription == AlertDescription.close_notify || alertLevel == AlertLevel.fatal) {
            closedByPeer = true;
        }
        LOG.log(System.Logger.Level.DEBUG, "DTLS alert received: {0}", AlertDescription.getText(alertDescription));
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        if (alertLevel == AlertLevel.fatal) {
            LOG.log(System.Logger.Level.DEBUG, "DTLS alert raised: {0} {1}",
                    AlertDescription.getText(alertDescription), message == null ? "" : message);
        }
    }

    SrtpKeyMaterial keys() { return keys; }

    String peerFingerprint() { return peerFingerprint; }

    boolean fingerprintMismatch() { return fingerprintMismatch; }

    boolean closedByPeer() { return closedByPeer; }
}
