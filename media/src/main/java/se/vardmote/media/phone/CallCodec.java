package se.vardmote.media.phone;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.netty.buffer.ByteBuf;
import se.vardmote.media.mixer.Resampler;

/**
 * The voice codec a call negotiated, between RTP payloads and 8 kHz linear samples: G.711 µ-law or A-law
 * (RFC 3551 §4.5.14), or Opus, decoded and encoded at 8 kHz (the room's mix for a phone is narrowband anyway,
 * and Opus resamples internally, RFC 6716 §2). Built on the signalling thread ({@link #of}: Opus codecs are
 * not built on a media loop), then used only on the leg's event loop; not thread-safe. Allocates nothing per
 * packet.
 */
final class CallCodec {

    private static final int FRAME = Resampler.FRAME_8K;
    /** {@link #decode}: the payload is larger than any packet we negotiated. */
    static final int TOO_LARGE = -1;
    /** {@link #decode} and {@link #encode}: the Opus codec refused it. */
    static final int CODEC_ERROR = -2;

    final PhoneCodec codec;
    private final boolean ulaw;
    /** Both null for G.711. */
    private final OpusDecoder opusDecoder;
    private final OpusEncoder opusEncoder;
    /** An encoded payload (out) or an Opus payload copied out of its buffer (in): 1275 B is Opus's largest. */
    private final byte[] payload = new byte[1275];
    /** Decoded samples: 120 ms at 8 kHz (the longest Opus packet), or a whole G.711 datagram. */
    private final short[] decoded = new short[PhoneLeg.MAX_DATAGRAM];

    private CallCodec(PhoneCodec codec, OpusDecoder decoder, OpusEncoder encoder) {
        this.codec = codec;
        this.ulaw = "PCMU".equalsIgnoreCase(codec.name());
        this.opusDecoder = decoder;
        this.opusEncoder = encoder;
    }

    /** The codec for {@code codec}: PCMU, PCMA or opus. Builds Opus's encoder and decoder: not on a media loop. */
    static CallCodec of(PhoneCodec codec) {
        boolean opus = "opus".equalsIgnoreCase(codec.name());
        if (!opus && !"PCMU".equalsIgnoreCase(codec.name()) && !"PCMA".equalsIgnoreCase(codec.name())) {
            throw new IllegalArgumentException("phone codec must be PCMU, PCMA or opus, not " + codec.name());
        }
        if (!opus) {
            return new CallCodec(codec, null, null);
        }
        try {
            OpusEncoder encoder = new OpusEncoder(8000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setBitrate(20_000);
            return new CallCodec(codec, new OpusDecoder(8000, 1), encoder);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus codec: " + e.getMessage(), e);
        }
    }

    int payloadType() {
        return codec.payloadType();
    }

    /** RTP timestamp units per 20 ms frame: 960 for Opus (RFC 7587 §4.1: its clock is always 48 kHz), else 160. */
    int timestampStep() {
        return opusEncoder != null ? 960 : FRAME;
    }

    /**
     * Decodes the payload at {@code offset}/{@code length} of {@code buf} (borrowed) into {@link #decoded()}
     * and returns the number of samples, or {@link #TOO_LARGE} or {@link #CODEC_ERROR}.
     */
    int decode(ByteBuf buf, int offset, int length) {
        if (opusDecoder == null) {
            if (length > decoded.length) {
                return TOO_LARGE;
            }
            for (int i = 0; i < length; i++) {
                int code = buf.getUnsignedByte(offset + i);
                decoded[i] = ulaw ? G711.ulawToLinear(code) : G711.alawToLinear(code);
            }
            return length;
        }
        if (length > payload.length) {
            return TOO_LARGE;
        }
        try {
            buf.getBytes(offset, payload, 0, length);
            return opusDecoder.decode(payload, 0, length, decoded, 0, decoded.length, false);
        } catch (OpusException | RuntimeException e) {
            return CODEC_ERROR;
        }
    }

    /** What the last {@link #decode} produced. */
    short[] decoded() {
        return decoded;
    }

    /** Encodes one 20 ms frame into {@link #payload()} and returns its length, or {@link #CODEC_ERROR}. */
    int encode(short[] frame) {
        if (opusEncoder == null) {
            for (int i = 0; i < FRAME; i++) {
                payload[i] = ulaw ? G711.linearToUlaw(frame[i]) : G711.linearToAlaw(frame[i]);
            }
            return FRAME;
        }
        try {
            return opusEncoder.encode(frame, 0, FRAME, payload, 0, payload.length);
        } catch (OpusException e) {
            return CODEC_ERROR;
        }
    }

    /** What the last {@link #encode} produced. */
    byte[] payload() {
        return payload;
    }
}
