package io.lvs4j.example.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example's command line. */
class SettingsTest {

    @Test
    void shouldReadTheInterfaceVipServersAndDefaults() {
        EmbeddedDirector.Settings s = EmbeddedDirector.Settings.parse("--interface", "eth0", "--vip", "198.18.0.200",
                "--server", "198.18.0.13", "--server", "198.18.0.14");

        assertEquals("eth0", s.interfaceName());
        assertEquals(InetAddress.ofLiteral("198.18.0.200"), s.vip());
        assertEquals(List.of(InetAddress.ofLiteral("198.18.0.13"), InetAddress.ofLiteral("198.18.0.14")), s.servers());
        assertEquals(80, s.port());
        assertEquals(100, s.priority());
    }

    @Test
    void shouldRefuseAnIncompleteOrUnknownCommandLine() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedDirector.Settings.parse("--vip", "198.18.0.200"));
        assertTrue(missing.getMessage().contains("--interface"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbeddedDirector.Settings.parse("--vip"));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedDirector.Settings.parse("--weight", "3"));
    }
}
