package io.lvs4j.testkit;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientPortsTest {

    @Test
    void shouldHandOutEveryPortOnceBelowTheEphemeralRangeAndThenRefuse() {
        ClientPorts ports = new ClientPorts();
        Set<Integer> seen = new HashSet<>();
        for (int i = ClientPorts.FIRST; i <= ClientPorts.LAST; i++) {
            int port = ports.next();
            assertTrue(port >= ClientPorts.FIRST && port < 32_768, "below the default ephemeral range: " + port);
            assertTrue(seen.add(port), "handed out twice: " + port);
        }
        assertThrows(IllegalStateException.class, ports::next);
    }

    @Test
    void shouldGiveCurlTheNextPort() {
        ClientPorts ports = new ClientPorts();
        assertEquals(List.of("--local-port", Integer.toString(ClientPorts.FIRST)), ports.curlOption());
        assertEquals(ClientPorts.FIRST + 1, ports.next());
    }
}
