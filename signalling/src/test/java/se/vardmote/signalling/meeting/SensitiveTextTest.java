package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.meeting.SensitiveText.Finding;

class SensitiveTextTest {

    // 811218-9876 is Skatteverket's well-known test number (Luhn-valid); 811278-9873 is its coordination form.
    @Test
    void findsPersonalIdentityNumbersInEveryWrittenForm() {
        for (String s : new String[] {"8112189876", "811218-9876", "811218+9876", "811218 9876", "198112189876",
                "19811218-9876", "Besök 811218-9876", "pnr:811218-9876.", "(198112189876)"}) {
            assertEquals(Optional.of(Finding.PERSONAL_IDENTITY_NUMBER), SensitiveText.find(s), s);
        }
    }

    @Test
    void findsCoordinationNumbersByDayPlusSixty() {
        assertEquals(Optional.of(Finding.COORDINATION_NUMBER), SensitiveText.find("811278-9873"));
        assertEquals(Optional.of(Finding.COORDINATION_NUMBER), SensitiveText.find("Tolk 19811278-9873"));
    }

    @Test
    void passesNumbersThatFailTheLuhnCheckOrHaveTheWrongLength() {
        for (String s : new String[] {"811218-9875", "8112189875", "19811218-9875", "81121898765", "811218987",
                "1234-811218-98760", "0811218-9876", "811218-98761"}) {
            assertEquals(Optional.empty(), SensitiveText.find(s), s);
        }
    }

    @Test
    void passesInitialsWithBirthYearDatesAndTimes() {
        for (String s : new String[] {"IK-82 Videobesök", "AB-82 Videobesök", "Uppföljning 2026-12-01 09:30",
                "Rum 4512", "Dr Lind @ VC Norr", "Återbesök vecka 49", "user@localhost", "a@b.", "@example.se",
                "", "Dr. Anna Lind"}) {
            assertEquals(Optional.empty(), SensitiveText.find(s), s);
        }
    }

    @Test
    void findsEmailAddresses() {
        for (String s : new String[] {"anna.lind@region.se", "Kontakt: a@b.se", "åsa+vård@exempel.region.se",
                "X a_b%c-d@sub-domain.example.org!"}) {
            assertEquals(Optional.of(Finding.EMAIL_ADDRESS), SensitiveText.find(s), s);
        }
    }

    @Test
    void refusesTextLongerThanTheLimit() {
        assertThrows(IllegalArgumentException.class, () -> SensitiveText.find("a".repeat(SensitiveText.MAX_CHARS + 1)));
        assertEquals(Optional.empty(), SensitiveText.find("a".repeat(SensitiveText.MAX_CHARS)));
        assertEquals(Optional.empty(), SensitiveText.find(null));
    }
}
