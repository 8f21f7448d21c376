package se.vardmote.media.srtp;

import java.util.Arrays;

/**
 * The keys and salts exported from a DTLS-SRTP handshake (RFC 5764 §4.2) for one profile. The DTLS
 * client protects with the client key and salt, the server with the server's. Immutable (arrays are copied).
 */
public record SrtpKeyMaterial(SrtpProfile profile, byte[] clientKey, byte[] serverKey, byte[] clientSalt,
                              byte[] serverSalt) {

    public SrtpKeyMaterial {
        clientKey = clientKey.clone();
        serverKey = serverKey.clone();
        clientSalt = clientSalt.clone();
        serverSalt = serverSalt.clone();
        if (clientKey.length != profile.keyLength || serverKey.length != profile.keyLength
                || clientSalt.length != profile.saltLength || serverSalt.length != profile.saltLength) {
            throw new IllegalArgumentException("key material does not fit " + profile);
        }
    }

    /** Splits the exporter output: client key, server key, client salt, server salt (RFC 5764 §4.2). */
    public static SrtpKeyMaterial fromExporter(SrtpProfile profile, byte[] material) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("expected " + profile.keyingMaterialLength() + " bytes");
        }
        int k = profile.keyLength;
        int s = profile.saltLength;
        return new SrtpKeyMaterial(profile,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeyMaterial m && profile == m.profile
                && Arrays.equals(clientKey, m.clientKey) && Arrays.equals(serverKey, m.serverKey)
                && Arrays.equals(clientSalt, m.clientSalt) && Arrays.equals(serverSalt, m.serverSalt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode() * 31 + Arrays.hashCode(clientKey);
    }

    /** Never prints key bytes. */
    @Override
    public String toString() {
        return "SrtpKeyMaterial[" + profile + "]";
    }
}
