package se.vardmote.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.ExporterLabel;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;

/**
 * The use_srtp extension (RFC 5764 §4.1) and the key export (§4.2) shared by both DTLS roles. Stateless.
 */
final class SrtpProfileNegotiation {

    /** ECDHE with ECDSA only: our certificates are P-256, and these are what browsers offer first. */
    private static final int[] CIPHER_SUITES = {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    };

    private SrtpProfileNegotiation() {}

    static int[] cipherSuites(TlsCrypto crypto) {
        return TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
    }

    /** Our preferred profile among those the client offers; a handshake_failure alert when none fits. */
    static SrtpProfile choose(Hashtable<?, ?> clientExtensions, SrtpProfile[] supported) throws IOException {
        UseSRTPData offer = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offer == null) throw new TlsFatalAlert(AlertDescription.handshake_failure, "no use_srtp extension");
        for (SrtpProfile ours : supported) {
            for (int theirs : offer.getProtectionProfiles()) {
                if (theirs == ours.id) return ours;
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void offer(Hashtable extensions, SrtpProfile[] profiles) throws IOException {
        int[] ids = new int[profiles.length];
        for (int i = 0; i < ids.length; i++) ids[i] = profiles[i].id;
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
    }

    /** The profile the server selected (RFC 5764 §4.1.1: exactly one, one we offered). */
    static SrtpProfile selected(Hashtable<?, ?> serverExtensions, SrtpProfile[] offered) throws IOException {
        UseSRTPData answer = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (answer == null || answer.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server did not select one SRTP profile");
        }
        int id = answer.getProtectionProfiles()[0];
        for (SrtpProfile p : offered) if (p.id == id) return p;
        throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected an SRTP profile we did not offer");
    }

    /** RFC 5764 §4.2: EXTRACTOR-dtls_srtp, no context, 2 keys + 2 salts. */
    static SrtpKeyMaterial export(TlsContext context, SrtpProfile profile) {
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        return SrtpKeyMaterial.fromExporter(profile, material);
    }
}
