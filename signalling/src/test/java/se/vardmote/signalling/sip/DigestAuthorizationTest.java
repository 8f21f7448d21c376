package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DigestAuthorizationTest {

    @Test
    void readsQuotedAndTokenValuesWithEscapes() {
        DigestAuthorization a = DigestAuthorization.parse(
                "Digest  username=\"gw\",Realm=\"vard\\\"mote\" , nc=00000001, qop=auth, uri=\"sip:1@h;transport=tcp\"");
        assertEquals("gw", a.get("username"));
        assertEquals("vard\"mote", a.get("realm"));
        assertEquals("00000001", a.get("nc"));
        assertEquals("auth", a.get("qop"));
        assertEquals("sip:1@h;transport=tcp", a.get("uri"));
        assertFalse(a.toString().contains("gw"), "values stay out of logs");
    }

    @Test
    void refusesOtherSchemesBadSyntaxAndOversizedInput() {
        for (String bad : new String[] {"Basic abc", "Digest", "Digest ", "Digestusername=\"a\"", "Digest a", "Digest a=",
                "Digest a=\"x", "Digest a=\"x\" b=1", "Digest a=1, a=2", "Digest a=\"x\\", "Digest a=\"x\ny\""}) {
            assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse("Digest a=\"" + "x".repeat(5000) + "\""));
        assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse("Digest a=\"" + "x".repeat(1100) + "\""));
        StringBuilder many = new StringBuilder("Digest p0=1");
        for (int i = 1; i < 40; i++) many.append(", p").append(i).append("=1");
        assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse(many.toString()));
    }
}
