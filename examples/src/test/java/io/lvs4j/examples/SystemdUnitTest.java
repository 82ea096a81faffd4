package io.lvs4j.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd unit in the repository: reload by SIGHUP to the main process, stop by SIGTERM,
 * the capabilities the director needs, and command lines that {@code ./lvs4j} accepts as they
 * are written.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("systemd", "lvs4j.service");

    private static Map<String, String> service() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        boolean inService = false;
        for (String line : Files.readAllLines(UNIT)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                inService = l.equals("[Service]");
            } else if (inService && !l.isEmpty() && !l.startsWith("#")) {
                int eq = l.indexOf('=');
                keys.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return keys;
    }

    @Test
    void shouldReloadBySighupToTheMainProcessAndStopBySigterm() throws IOException {
        Map<String, String> service = service();
        assertEquals("/bin/kill -HUP $MAINPID", service.get("ExecReload"));
        assertEquals("SIGTERM", service.get("KillSignal"));
        assertTrue(service.get("Type").equals("simple") || service.get("Type").equals("notify"), service.toString());
        for (String capability : List.of("CAP_NET_RAW", "CAP_NET_ADMIN")) {
            assertTrue(service.get("AmbientCapabilities").contains(capability), capability);
            assertTrue(service.get("CapabilityBoundingSet").contains(capability), capability);
        }
    }

    @Test
    void shouldRunCommandLinesThatLvs4jAccepts() throws IOException {
        Map<String, String> service = service();
        for (String key : List.of("ExecStartPre", "ExecStart")) {
            List<String> words = Arrays.asList(service.get(key).split(" +"));
            assertTrue(words.getFirst().endsWith("/lvs4j"), key + " runs the lvs4j script: " + words);
            // parses: every option exists and takes what it is given
            Lvs4j.commandLine().parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        }
        assertTrue(service.get("ExecStart").contains(" run "), "ExecStart runs a director");
    }
}
