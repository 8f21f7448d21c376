package se.vardmote.signalling.sdp;

/**
 * An SDP that the server cannot accept. {@link #code()} is a stable machine-readable reason
 * ({@code sdp_invalid}, {@code sdp_too_large}, {@code sdp_no_bundle}, {@code sdp_no_rtcp_mux},
 * {@code sdp_no_dtls}, {@code sdp_no_codec}, {@code sdp_mismatch}); the message says what to do.
 */
public final class SdpException extends Exception {
    private final String code;

    public SdpException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
