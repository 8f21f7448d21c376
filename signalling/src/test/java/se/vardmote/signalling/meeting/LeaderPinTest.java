package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LeaderPinTest {

    @Test
    void allSameDigitsAndRunsAreTrivialWrappingPastNineAndZero() {
        for (String pin : new String[] {"000000", "777777", "123456", "012345", "567890", "789012", "654321",
                "210987", "098765", "987654"}) {
            assertTrue(LeaderPin.isTrivial(pin), pin);
        }
        for (String pin : new String[] {"123457", "124567", "135791", "112233", "000001", "654320", "121212",
                "908172"}) {
            assertFalse(LeaderPin.isTrivial(pin), pin);
        }
    }

    @Test
    void exactlyThirtyOfTheMillionCodesAreTrivial() {
        int trivial = 0;
        for (int i = 0; i < 1_000_000; i++) if (LeaderPin.isTrivial(String.format("%06d", i))) trivial++;
        assertEquals(30, trivial);
    }

    @Test
    void generatedPinsAreSixDigitsAndNeverTrivialEvenWhenTheRandomSourceOffersTrivialOnesFirst() {
        // A source that yields 1,2,3,4,5,6 first (a run), then 7,7,7,7,7,7, then real randomness.
        RandomGenerator rigged = new RandomGenerator() {
            private final int[] script = {1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7};
            private int next;
            private final SplittableRandom rest = new SplittableRandom(1);

            @Override
            public long nextLong() {
                return rest.nextLong();
            }

            @Override
            public int nextInt(int bound) {
                return next < script.length ? script[next++] : rest.nextInt(bound);
            }
        };
        String pin = LeaderPin.generate(rigged);
        assertTrue(LeaderPin.isWellFormed(pin));
        assertFalse(LeaderPin.isTrivial(pin));
        Set<String> seen = new HashSet<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 2000; i++) {
            String p = LeaderPin.generate(random);
            assertTrue(LeaderPin.isWellFormed(p), p);
            assertFalse(LeaderPin.isTrivial(p), p);
            seen.add(p);
        }
        assertTrue(seen.size() > 1990, "PINs repeat too often: " + seen.size());
    }

    @Test
    void storedHashIsSaltedPbkdf2AndMatchesOnlyTheRightPin() {
        SecureRandom random = new SecureRandom();
        String a = LeaderPin.hash("482913", random);
        String b = LeaderPin.hash("482913", random);
        assertTrue(a.startsWith("pbkdf2-sha256$100000$"), a);
        assertFalse(a.contains("482913"));
        assertNotEquals(a, b, "same PIN, different salt, different hash");
        assertTrue(LeaderPin.matches("482913", a));
        assertTrue(LeaderPin.matches("482913", b));
        assertFalse(LeaderPin.matches("482914", a));
        assertFalse(LeaderPin.matches("48291", a));
        assertFalse(LeaderPin.matches(null, a));
        assertFalse(LeaderPin.matches("482913", null));
        assertFalse(LeaderPin.matches("482913", "pbkdf2-sha256$x$y$z"));
        assertFalse(LeaderPin.matches("482913", "md5$1$AA$AA"));
    }
}
