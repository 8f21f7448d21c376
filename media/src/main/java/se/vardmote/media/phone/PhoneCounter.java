package se.vardmote.media.phone;

/** What a {@link PhoneLeg} counts, by reason; the keys of {@link PhoneLeg#counters()}. */
enum PhoneCounter {
    RTP_IN("phone.rtp.in"),
    RTP_OUT("phone.rtp.out"),
    DTMF_EVENTS("phone.dtmf.events"),
    DROPPED_NOT_ALLOWED("phone.dropped.not_allowed_network"),
    DROPPED_WRONG_SOURCE("phone.dropped.wrong_source"),
    DROPPED_NO_REMOTE("phone.dropped.no_remote"),
    DROPPED_MALFORMED("phone.dropped.malformed"),
    DROPPED_TOO_LARGE("phone.dropped.too_large"),
    DROPPED_PAYLOAD_TYPE("phone.dropped.payload_type"),
    DROPPED_LATE("phone.dropped.late"),
    DROPPED_DECODE("phone.dropped.decode_error"),
    INPUT_OVERFLOW("phone.input.overflow"),
    MIX_UNDERRUN("phone.mix.underrun"),
    TICKS_SKIPPED("phone.ticks.skipped"),
    MIX_OVERFLOW("phone.mix.overflow");

    static final PhoneCounter[] ALL = values();

    final String key;

    PhoneCounter(String key) {
        this.key = key;
    }
}
