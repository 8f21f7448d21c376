package se.vardmote.signalling.sip;

/**
 * The only form in which a caller's phone number leaves the SIP layer: {@code Telefon ••• 1234}, the last
 * four digits of the From user part. Shown to the room as the caller's display name, written in the audit
 * log and in log lines. Stateless; any thread.
 */
public final class MaskedNumber {

    /** What an anonymous or digit-less caller is shown as. */
    public static final String UNKNOWN = "Telefon •••";

    private MaskedNumber() {
    }

    /**
     * Masks a number such as {@code +46701234567}, {@code 0701234567} or {@code sip:0701234567@gw}: keeps
     * the last four digits (fewer when it has fewer; none for 4 digits or fewer, which would reveal all).
     */
    public static String of(String number) {
        if (number == null) return UNKNOWN;
        int end = number.indexOf('@');
        String user = end < 0 ? number : number.substring(0, end);
        StringBuilder digits = new StringBuilder(4);
        int total = 0;
        for (int i = user.length() - 1; i >= 0 && i >= user.length() - 64; i--) {
            char c = user.charAt(i);
            if (c >= '0' && c <= '9') {
                total++;
                if (digits.length() < 4) digits.insert(0, c);
            }
        }
        if (total <= 4) return UNKNOWN;
        return UNKNOWN + " " + digits;
    }
}
