package io.lvs4j.transport.epoll;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndToEndPathTest {

    @Test
    void shouldPutTheDirectPathFirstAndEachPathOnce() {
        assertEquals(List.of(EndToEndPath.DIRECT, EndToEndPath.NAT, EndToEndPath.DNAT),
                EndToEndPath.parse("nat, DNAT,nat,direct"));
    }

    @Test
    void shouldExpandAllToEveryPathNotYetNamed() {
        assertEquals(List.of(EndToEndPath.values()), EndToEndPath.parse("all"));
        assertEquals(List.of(EndToEndPath.DIRECT, EndToEndPath.GUE, EndToEndPath.DNAT, EndToEndPath.DR,
                EndToEndPath.NAT, EndToEndPath.IPIP, EndToEndPath.FULL_NAT, EndToEndPath.DR_RING, EndToEndPath.NAT_RING),
                EndToEndPath.parse("gue,all"));
    }

    @Test
    void shouldRefuseAnUnknownPathNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndToEndPath.parse("dr,lvs"));
        assertTrue(e.getMessage().contains("lvs") && e.getMessage().contains("fnat"), e.getMessage());
    }

    @Test
    void shouldTellWhichPathsGoThroughTheDirector() {
        assertFalse(EndToEndPath.DIRECT.viaDirector());
        assertFalse(EndToEndPath.DNAT.viaDirector());
        for (EndToEndPath path : List.of(EndToEndPath.DR, EndToEndPath.NAT, EndToEndPath.IPIP, EndToEndPath.GUE,
                EndToEndPath.FULL_NAT)) {
            assertTrue(path.viaDirector(), path.toString());
            assertFalse(path.viaRing(), path.toString());
        }
        assertTrue(EndToEndPath.DR_RING.viaDirector() && EndToEndPath.DR_RING.viaRing());
        assertTrue(EndToEndPath.NAT_RING.viaDirector() && EndToEndPath.NAT_RING.viaRing());
    }
}
