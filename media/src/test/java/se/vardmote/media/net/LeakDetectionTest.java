package se.vardmote.media.net;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(LeakDetection.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) System.clearProperty(LeakDetection.PROPERTY);
        else System.setProperty(LeakDetection.PROPERTY, saved);
    }

    @Test
    void turnsTheDetectorOffWhenNobodyAskedForIt() {
        System.clearProperty(LeakDetection.PROPERTY);
        assertEquals("disabled", LeakDetection.offUnlessRequested());
        assertEquals("disabled", System.getProperty(LeakDetection.PROPERTY));
    }

    @Test
    void keepsALevelTheOperatorSet() {
        System.setProperty(LeakDetection.PROPERTY, "advanced");
        assertEquals("advanced", LeakDetection.offUnlessRequested());
        assertEquals("advanced", System.getProperty(LeakDetection.PROPERTY));
    }
}
