package io.lvs4j.examples;

import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./lvs4j realserver}: options and the counter line, without starting anything. */
class RealServerCommandTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Lvs4j.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void shouldRefuseAnUnknownTunnelTypeWithExitTwo() {
        assertEquals(2, run("realserver", "--decap", "gre"));
        assertTrue(err.toString().startsWith("lvs4j realserver: Invalid value for option '--decap'"), err.toString());
        assertTrue(err.toString().contains("ipip, gue"), err.toString());
    }

    @Test
    void shouldRequireTheTunnelType() {
        assertEquals(2, run("realserver", "--vip", "198.18.0.10"));
        assertTrue(err.toString().contains("--decap"), err.toString());
    }

    @Test
    void shouldRefuseABadPortFamilyOrDeviceNameBeforeOpeningAnything() {
        assertEquals(2, run("realserver", "--decap", "gue", "--port", "70000"));
        assertEquals(2, run("realserver", "--decap", "ipip", "--family", "5"));
        assertEquals(2, run("realserver", "--decap", "ipip", "--tun-name", "a-name-far-too-long"));
        assertEquals("realserver: GUE port must be in [1, 65535]: 70000\n"
                + "realserver: --family must be 4 or 6: 5\n"
                + "realserver: TUN name must have 1 to 15 printable ASCII characters: a-name-far-too-long\n",
                err.toString());
    }

    @Test
    void shouldFormatTheCountersLeavingOutZeroDrops() {
        Map<DecapCounter, Long> counters = new EnumMap<>(DecapCounter.class);
        for (DecapCounter c : DecapCounter.values()) {
            counters.put(c, 0L);
        }
        counters.put(DecapCounter.RECEIVED, 3L);
        counters.put(DecapCounter.RECEIVED_BYTES, 180L);
        counters.put(DecapCounter.DECAPSULATED, 2L);
        counters.put(DecapCounter.DECAPSULATED_BYTES, 100L);
        counters.put(DecapCounter.DROP_GUE_PROTOCOL, 1L);
        assertEquals("received=3 received_bytes=180 decapsulated=2 decapsulated_bytes=100 drop_gue_protocol=1",
                RealServerCommand.format(counters));
    }
}
