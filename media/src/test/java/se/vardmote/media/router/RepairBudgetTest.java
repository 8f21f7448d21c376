package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RepairBudgetTest {

    private static final long MS = 1_000_000L;

    @Test
    void withoutAnEstimateRepairsAreNotLimited() {
        RepairBudget budget = new RepairBudget();
        for (int i = 0; i < 1000; i++) assertTrue(budget.take(1200, i, 0));
    }

    @Test
    void refillsAtHalfTheEstimateAndSavesUpAQuarterSecondAtMost() {
        RepairBudget budget = new RepairBudget();
        long estimate = 8_000_000; // 500 000 bytes/s of repairs, 125 000 at most at once
        int taken = 0;
        while (budget.take(1000, 0, estimate)) taken++;
        assertTrue(taken == 125, "a quarter second's worth at once: " + taken);
        assertFalse(budget.take(1000, MS, estimate), "1 ms refills 500 bytes");
        assertTrue(budget.take(1000, 2 * MS, estimate));
        taken = 0;
        while (budget.take(1000, 10_000 * MS, estimate)) taken++;
        assertTrue(taken == 125, "ten idle seconds save no more: " + taken);
    }
}
