package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.meeting.ConferenceId;

class DialPlanTest {

    final DialPlan plan = new DialPlan(SipConfig.forTests());
    final String id = ConferenceId.generate(new Random(3));

    @Test
    void ivrNumberGoesToTheIvrInItsLanguage() {
        assertEquals(new DialPlan.Destination(DialRoute.IVR, null, PromptLanguage.SV), plan.route("1000"));
        assertEquals(new DialPlan.Destination(DialRoute.IVR, null, PromptLanguage.EN), plan.route("1001"));
    }

    @Test
    void conferenceIdGoesStraightToItsMeeting() {
        assertEquals(new DialPlan.Destination(DialRoute.DIRECT, id, PromptLanguage.SV), plan.route(id));
    }

    @Test
    void videoPrefixAndIdIsAVideoSystem() {
        assertEquals(new DialPlan.Destination(DialRoute.VIDEO_SYSTEM, id, PromptLanguage.SV), plan.route("88" + id));
    }

    @Test
    void anythingElseIsNowhere() {
        String typo = id.substring(0, 8) + (char) ('0' + (id.charAt(8) - '0' + 1) % 10);
        assertNull(plan.route(typo));
        assertNull(plan.route("88" + typo));
        assertNull(plan.route("77" + id));
        assertNull(plan.route(null));
        assertNull(plan.route("9".repeat(100)));
    }
}
