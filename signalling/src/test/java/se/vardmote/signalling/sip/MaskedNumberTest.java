package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MaskedNumberTest {

    @Test
    void keepsOnlyTheLastFourDigits() {
        assertEquals("Telefon ••• 4567", MaskedNumber.of("+46701234567"));
        assertEquals("Telefon ••• 4567", MaskedNumber.of("0701234567@gw.example.se"));
        assertEquals("Telefon ••• 4567", MaskedNumber.of("070-123 45 67"));
    }

    @Test
    void revealsNothingOfShortOrMissingNumbers() {
        assertEquals("Telefon •••", MaskedNumber.of("1234"));
        assertEquals("Telefon •••", MaskedNumber.of("anonymous"));
        assertEquals("Telefon •••", MaskedNumber.of(null));
    }
}
