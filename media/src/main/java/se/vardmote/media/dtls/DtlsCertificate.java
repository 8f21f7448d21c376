package se.vardmote.media.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A self-signed ECDSA P-256 certificate for DTLS-SRTP (RFC 8827 §6.5: WebRTC identifies peers by the
 * certificate fingerprint in SDP, not by a CA). The server makes one per process at start; each test or
 * load-test client makes its own. Immutable; any thread.
 */
public final class DtlsCertificate {

    /** ECDSA with SHA-256 (TLS 1.2 SignatureAndHashAlgorithm), what every browser accepts. */
    static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final BcTlsCrypto crypto;
    private final AsymmetricKeyParameter privateKey;
    private final Certificate certificate;
    private final String fingerprint;

    private DtlsCertificate(BcTlsCrypto crypto, AsymmetricKeyParameter privateKey, Certificate certificate,
                            String fingerprint) {
        this.crypto = crypto;
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = fingerprint;
    }

    /** Generates a key pair and a certificate valid from yesterday for 30 days (browsers do not check). */
    public static DtlsCertificate generate(String commonName) {
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=" + commonName);
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                    name, new BigInteger(64, random).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                    name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            byte[] der = holder.getEncoded();
            BcTlsCrypto crypto = new BcTlsCrypto(random);
            Certificate certificate = new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
            return new DtlsCertificate(crypto, PrivateKeyFactory.createKey(pair.getPrivate().getEncoded()),
                    certificate, fingerprintOf(der));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a DTLS certificate", e);
        }
    }

    /** SHA-256 of DER bytes in SDP form (RFC 8122 §5): upper-case hex pairs joined by colons. */
    public static String fingerprintOf(byte[] der) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 fingerprint of the first certificate of a peer's chain, or null when it sent none. */
    static String fingerprintOf(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) return null;
        return fingerprintOf(chain.getCertificateAt(0).getEncoded());
    }

    /** True when two SDP fingerprints name the same hash (case and surrounding space do not matter). */
    public static boolean sameFingerprint(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.trim().toUpperCase(Locale.ROOT).getBytes(),
                b.trim().toUpperCase(Locale.ROOT).getBytes());
    }

    /** {@code AB:CD:...}, the value for {@code a=fingerprint:sha-256}. */
    public String fingerprint() { return fingerprint; }

    /** The crypto provider handshakes with this certificate use. */
    public BcTlsCrypto crypto() { return crypto; }

    Certificate certificate() { return certificate; }

    TlsCredentialedSigner signer(TlsContext context) {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                certificate, ECDSA_SHA256);
    }
}
