package se.vardmote.media.ice;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE-lite side (RFC 8445 §2.5) of one transport: its credentials, the remote addresses that passed
 * a connectivity check, the selected one, and consent freshness (RFC 7675). A lite agent never sends
 * checks; it answers the full agent's and follows its nomination (USE-CANDIDATE).
 *
 * <p>Owned by the worker's event loop, except {@link #selectedAddress()} and the credential getters,
 * which any thread may read (the DTLS handshake thread sends to the selected address).
 */
public final class IceLiteAgent {

    /** RFC 8445 §5.3: ice-char = ALPHA / DIGIT / "+" / "/"; we leave out the two symbols for easy copying. */
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** More than a browser gathers on one machine; stops a peer from growing the address map forever. */
    public static final int MAX_VALIDATED_ADDRESSES = 8;

    /** What a connectivity check led to. */
    public enum CheckOutcome {
        /** The check is valid; answer it. */
        ACCEPTED,
        /** MESSAGE-INTEGRITY is missing or does not match our password. */
        BAD_INTEGRITY,
        /** USERNAME is not {@code ourUfrag:theirUfrag}. */
        BAD_USERNAME,
        /** Valid, but from one address too many. */
        TOO_MANY_ADDRESSES
    }

    private final String localUfrag;
    private final String localPassword;
    private final SecretKeySpec key;
    private final List<InetSocketAddress> validated = new ArrayList<>(2);
    private volatile InetSocketAddress selected;
    private volatile String remoteUfrag;
    private long lastConsentNanos;

    public IceLiteAgent(String localUfrag, String localPassword, long nowNanos) {
        this.localUfrag = localUfrag;
        this.localPassword = localPassword;
        this.key = MessageIntegrity.shortTermKey(localPassword);
        this.lastConsentNanos = nowNanos;
    }

    /** 8 random ICE characters (RFC 8445 §5.3 asks for at least 4, with 24 bits of randomness). */
    public static String randomUfrag(SecureRandom random) {
        return randomIceString(random, 8);
    }

    /** 24 random ICE characters (RFC 8445 §5.3: at least 22, 128 bits of randomness). */
    public static String randomPassword(SecureRandom random) {
        return randomIceString(random, 24);
    }

    private static String randomIceString(SecureRandom random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        return new String(out);
    }

    public String localUfrag() { return localUfrag; }

    public String localPassword() { return localPassword; }

    /** The short-term key for MESSAGE-INTEGRITY of our answers. */
    public SecretKeySpec key() { return key; }

    /** From the remote SDP; once known, requests must name it after the colon. Any thread. */
    public void setRemoteUfrag(String ufrag) { this.remoteUfrag = ufrag; }

    /**
     * Checks one Binding request from {@code from} and, when valid, records the address, refreshes consent
     * and follows the nomination: the first valid address is used until one comes with USE-CANDIDATE;
     * a later USE-CANDIDATE from another address moves the transport there (mobile handover).
     */
    public CheckOutcome onBindingRequest(StunMessage request, InetSocketAddress from, MessageIntegrity integrity,
                                         long nowNanos) {
        if (!usernameMatches(request)) return CheckOutcome.BAD_USERNAME;
        if (!integrity.verify(request, key)) return CheckOutcome.BAD_INTEGRITY;
        if (!validated.contains(from)) {
            if (validated.size() >= MAX_VALIDATED_ADDRESSES) return CheckOutcome.TOO_MANY_ADDRESSES;
            validated.add(from);
        }
        lastConsentNanos = nowNanos; // RFC 7675 §5.1: a valid, authenticated check refreshes consent
        if (request.useCandidate()) {
            if (!from.equals(selected)) selected = from;
        } else if (selected == null) {
            selected = from;
        }
        return CheckOutcome.ACCEPTED;
    }

    private boolean usernameMatches(StunMessage request) {
        String username = request.username();
        if (username == null) return false;
        int colon = username.indexOf(':');
        if (colon != localUfrag.length() || !username.startsWith(localUfrag)) return false;
        String expectedRemote = remoteUfrag;
        return expectedRemote == null || username.regionMatches(colon + 1, expectedRemote, 0,
                Math.max(expectedRemote.length(), username.length() - colon - 1));
    }

    /** Where media and DTLS go, or null before the first valid check. Any thread. */
    public InetSocketAddress selectedAddress() { return selected; }

    /** True when {@code address} passed a check. */
    public boolean isValidated(InetSocketAddress address) { return validated.contains(address); }

    /** Addresses that passed a check (a copy). */
    public List<InetSocketAddress> validatedAddresses() { return List.copyOf(validated); }

    /** RFC 7675 §5.1: no valid STUN for {@code timeoutNanos} means consent is lost. */
    public boolean consentExpired(long nowNanos, long timeoutNanos) {
        return nowNanos - lastConsentNanos > timeoutNanos;
    }
}
