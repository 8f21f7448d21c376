package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConferenceIdTest {

    @Test
    void generatesNineDigitsNeverStartingWithZeroAndLuhnValid() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 10_000; i++) {
            String id = ConferenceId.generate(random);
            assertEquals(9, id.length(), id);
            assertTrue(id.chars().allMatch(c -> c >= '0' && c <= '9'), id);
            assertTrue(id.charAt(0) != '0', id);
            assertTrue(ConferenceId.isValid(id), id);
        }
    }

    @Test
    void generatedIdsAreNotSequentialAndRarelyRepeat() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        long previous = Long.parseLong(ConferenceId.generate(random));
        int adjacent = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = ConferenceId.generate(random);
            seen.add(id);
            long value = Long.parseLong(id);
            if (Math.abs(value - previous) < 100) adjacent++;
            previous = value;
        }
        // 10 000 draws from 9·10⁷ values: the birthday bound expects about 0.6 repeats.
        assertTrue(seen.size() >= 9_990, "repeats: " + (10_000 - seen.size()));
        assertTrue(adjacent < 5, "consecutive ids close together: " + adjacent);
    }

    @Test
    void acceptsKnownLuhnNumbers() {
        // 79927398713 is the textbook Luhn example; 12345678 + check digit 2 computed by hand.
        assertEquals(3, ConferenceId.checkDigit("7992739871".toCharArray(), 10));
        assertTrue(ConferenceId.isValid("123456782"));
        assertFalse(ConferenceId.isValid("123456781"));
    }

    @Test
    void everySingleDigitTypoFailsTheCheck() {
        Random random = new Random(42);
        for (int n = 0; n < 500; n++) {
            String id = ConferenceId.generate(random);
            for (int pos = 0; pos < 9; pos++) {
                for (char d = '0'; d <= '9'; d++) {
                    if (d == id.charAt(pos)) continue;
                    String typo = id.substring(0, pos) + d + id.substring(pos + 1);
                    assertFalse(ConferenceId.isValid(typo), id + " -> " + typo);
                }
            }
        }
    }

    @Test
    void adjacentTranspositionsFailTheCheckExceptZeroNine() {
        Random random = new Random(7);
        for (int n = 0; n < 500; n++) {
            String id = ConferenceId.generate(random);
            for (int pos = 0; pos < 8; pos++) {
                char a = id.charAt(pos);
                char b = id.charAt(pos + 1);
                if (a == b || (a == '0' && b == '9') || (a == '9' && b == '0')) continue;
                String swapped = id.substring(0, pos) + b + a + id.substring(pos + 2);
                assertFalse(ConferenceId.isValid(swapped), id + " -> " + swapped);
            }
        }
    }

    @Test
    void rejectsWrongShapes() {
        assertFalse(ConferenceId.isValid(null));
        assertFalse(ConferenceId.isValid(""));
        assertFalse(ConferenceId.isValid("12345678"));
        assertFalse(ConferenceId.isValid("1234567820"));
        assertFalse(ConferenceId.isValid("023456789"));
        assertFalse(ConferenceId.isValid("12345678a"));
        assertFalse(ConferenceId.isValid("１23456782")); // full-width digit one
    }
}
