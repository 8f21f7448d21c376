package se.vardmote.signalling.meeting;

/** The outcome of a leader-PIN attempt. */
public enum PinCheck {
    /** Right PIN: the caller leads (clinician role). */
    ACCEPTED,
    /** Wrong PIN; audited as pin_failed. */
    REJECTED,
    /** Too many wrong PINs for this meeting lately: PIN entry is locked for a while. */
    LOCKED
}
