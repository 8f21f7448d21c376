package se.vardmote.signalling.meeting;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary text around a known personal identity number: {@link SensitiveText#find} must never throw for text
 * within its limit, and must always find the number when it stands apart from other digits. Seeds in
 * SensitiveTextFuzzTestInputs/; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SensitiveTextFuzzTest {

    @FuzzTest
    void findNeverThrowsAndNeverMissesAnInjectedNumber(FuzzedDataProvider data) {
        String before = data.consumeString(200);
        String after = data.consumeRemainingAsString();
        if (before.length() + after.length() > 1000) return;
        SensitiveText.find(before + after); // must not throw
        String guarded = before + " 811218-9876 " + after;
        if (SensitiveText.find(guarded).isEmpty()) {
            throw new AssertionError("missed a personal identity number");
        }
    }
}
