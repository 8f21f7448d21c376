package se.vardmote.signalling.meeting;

import java.util.random.RandomGenerator;

/**
 * The number a caller types on a phone keypad to reach a meeting: 8 random digits and a Luhn check digit,
 * 9 digits in all, never starting with 0. Stateless; any thread.
 *
 * <p>Why a check digit: the IVR can tell a mistyped number from an unknown meeting at once ("that number is
 * not valid, please try again") without a database look-up, and without confirming which numbers exist. The
 * Luhn algorithm (ISO/IEC 7812-1) catches every single-digit error and every adjacent transposition except
 * 09/90. Why no leading zero: some gateways and spreadsheets drop it.
 *
 * <p>Uniqueness among meetings that have not ended is the {@link MeetingService}'s job (it retries on a
 * collision); 9·10⁷ values keep collisions rare for the few thousand live meetings of one care provider.
 */
public final class ConferenceId {

    /** Digits in a conference id, check digit included. */
    public static final int LENGTH = 9;

    private ConferenceId() {
    }

    /** A fresh id: the first digit 1–9, seven more random digits, then the Luhn check digit. */
    public static String generate(RandomGenerator random) {
        char[] digits = new char[LENGTH];
        digits[0] = (char) ('1' + random.nextInt(9));
        for (int i = 1; i < LENGTH - 1; i++) digits[i] = (char) ('0' + random.nextInt(10));
        digits[LENGTH - 1] = (char) ('0' + checkDigit(digits, LENGTH - 1));
        return new String(digits);
    }

    /** True for exactly 9 ASCII digits, not starting with 0, whose Luhn check holds. Null-safe. */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || candidate.charAt(0) == '0') return false;
        char[] digits = candidate.toCharArray();
        for (char c : digits) if (c < '0' || c > '9') return false;
        return checkDigit(digits, LENGTH - 1) == digits[LENGTH - 1] - '0';
    }

    /**
     * The Luhn check digit for {@code digits[0..payloadLength)}: from the rightmost payload digit leftwards,
     * double every other digit starting with the rightmost, subtract 9 from doubles above 9, and pick the digit
     * that brings the sum to a multiple of 10.
     */
    static int checkDigit(char[] digits, int payloadLength) {
        int sum = 0;
        boolean doubled = true;
        for (int i = payloadLength - 1; i >= 0; i--) {
            int d = digits[i] - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }
}
