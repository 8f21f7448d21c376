package se.vardmote.signalling.meeting;

import java.util.Optional;

/**
 * The rule that keeps personal data out of invitations: a meeting's {@code subject} and a seat's
 * {@code displayName} travel in calendar invitations, e-mails and on screens, so they must not carry a Swedish
 * personal identity number, a coordination number or an e-mail address. Stateless; any thread.
 *
 * <p>What counts (documented in {@code docs/protocol.md}):
 * <ul>
 *   <li><b>Personal identity number</b> (personnummer, Skatteverket SKV 704): a run of exactly 10 digits
 *       ({@code YYMMDDNNNC}) or 12 digits ({@code YYYYMMDDNNNC}), optionally with one {@code -}, {@code +} or
 *       space before the last four digits, whose 10-digit form passes the Luhn check (the last digit C).
 *       The run must not touch other digits: {@code 123-8201011234} is not a match.</li>
 *   <li><b>Coordination number</b> (samordningsnummer, SKV 707): the same shape with 60 added to the day
 *       (61–91). The check is the same; it is reported separately so that the message is precise.</li>
 *   <li><b>E-mail address</b>: {@code local@domain.tld}: at least one letter, digit or {@code ._%+-} before
 *       the {@code @}, and a domain with at least one dot after it.</li>
 * </ul>
 * Initials with a birth year ({@code IK-82 Videobesök}), dates ({@code 2026-12-01}), times and room numbers
 * pass. A Luhn-valid 10-digit phone number is refused too, which is what we want in an invitation.
 *
 * <p>Never echoes what it found: callers name the field and the kind of data, not the value.
 */
public final class SensitiveText {

    /** Longest text scanned; booking fields are far shorter. Longer input is refused by {@link #find}. */
    public static final int MAX_CHARS = 4096;

    /** What kind of personal data a text carries. */
    public enum Finding {
        PERSONAL_IDENTITY_NUMBER("a personal identity number (personnummer)"),
        COORDINATION_NUMBER("a coordination number (samordningsnummer)"),
        EMAIL_ADDRESS("an e-mail address");

        private final String description;

        Finding(String description) {
            this.description = description;
        }

        /** Plain words for an error message, e.g. "a personal identity number (personnummer)". */
        public String description() {
            return description;
        }
    }

    private SensitiveText() {
    }

    /**
     * The first kind of personal data found in {@code text}, or empty.
     *
     * @throws IllegalArgumentException when text is longer than {@link #MAX_CHARS}
     */
    public static Optional<Finding> find(String text) {
        if (text == null || text.isEmpty()) return Optional.empty();
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("text longer than " + MAX_CHARS + " characters");
        }
        Finding number = identityNumber(text);
        if (number != null) return Optional.of(number);
        return hasEmailAddress(text) ? Optional.of(Finding.EMAIL_ADDRESS) : Optional.empty();
    }

    /** Scans digit groups: [group of 6 or 8] [sep] [group of 4], or a single group of 10 or 12. */
    private static Finding identityNumber(String text) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isDigit(text.charAt(i))) i++;
            int len = i - start;
            if (len == 10 || len == 12) {
                Finding f = check(text, start, len, -1);
                if (f != null) return f;
            } else if ((len == 6 || len == 8) && i + 5 <= n && isSeparator(text.charAt(i))
                    && allDigits(text, i + 1, i + 5) && (i + 5 == n || !isDigit(text.charAt(i + 5)))) {
                Finding f = check(text, start, len + 5, i);
                if (f != null) return f;
            }
        }
        return null;
    }

    /** Checks the candidate at [start, start+len), skipping the separator at {@code sep} (or -1). */
    private static Finding check(String text, int start, int len, int sep) {
        char[] digits = new char[12];
        int count = 0;
        for (int k = start; k < start + len; k++) {
            if (k == sep) continue;
            digits[count++] = text.charAt(k);
        }
        // The 10-digit form drops the century of the 12-digit form.
        int offset = count - 10;
        char[] ten = new char[10];
        System.arraycopy(digits, offset, ten, 0, 10);
        if (ConferenceId.checkDigit(ten, 9) != ten[9] - '0') return null;
        int day = (ten[4] - '0') * 10 + (ten[5] - '0');
        return day >= 61 && day <= 91 ? Finding.COORDINATION_NUMBER : Finding.PERSONAL_IDENTITY_NUMBER;
    }

    private static boolean hasEmailAddress(String text) {
        int at = text.indexOf('@');
        while (at >= 0) {
            if (at > 0 && isLocalChar(text.charAt(at - 1)) && domainFollows(text, at + 1)) return true;
            at = text.indexOf('@', at + 1);
        }
        return false;
    }

    /** A domain: labels of letters, digits and hyphens, at least two of them separated by a dot. */
    private static boolean domainFollows(String text, int from) {
        int labels = 0;
        int labelLength = 0;
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (Character.isLetterOrDigit(c) || c == '-') {
                labelLength++;
            } else if (c == '.' && labelLength > 0) {
                labels++;
                labelLength = 0;
            } else {
                break;
            }
        }
        if (labelLength > 0) labels++;
        // "a@b." ends with an empty label: two labels are needed, the last one non-empty.
        return labels >= 2 && labelLength > 0;
    }

    private static boolean isLocalChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '+' || c == ' ';
    }

    private static boolean allDigits(String text, int from, int to) {
        for (int k = from; k < to; k++) if (!isDigit(text.charAt(k))) return false;
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
