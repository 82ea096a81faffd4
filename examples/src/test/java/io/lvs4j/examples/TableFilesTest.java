package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names of run's table files: one director's stay, two directors' differ, --fresh-table deletes its own. */
class TableFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameADirectorTheSameAcrossRestartsAndDirectorsApart() {
        String a = TableFiles.defaultName(Path.of("conf/lvs1.conf"), "eth0");
        assertEquals(a, TableFiles.defaultName(Path.of("conf/../conf/lvs1.conf"), "eth0"));
        assertTrue(a.matches("[0-9a-f]{12}"), a);
        assertNotEquals(a, TableFiles.defaultName(Path.of("conf/lvs2.conf"), "eth0"));
        assertNotEquals(a, TableFiles.defaultName(Path.of("conf/lvs1.conf"), "eth1"));
    }

    @Test
    void shouldDeleteOnlyTheDirectorsOwnFiles() throws Exception {
        for (String name : new String[] {"lvs4j-abc-0-ipv4", "lvs4j-abc-1-ipv4", "lvs4j-abc-0-ipv6",
                "lvs4j-abd-0-ipv4", "other"}) {
            Files.writeString(dir.resolve(name), "x");
        }
        assertEquals(3, TableFiles.delete(dir, "abc"));
        assertTrue(Files.exists(dir.resolve("lvs4j-abd-0-ipv4")));
        assertTrue(Files.exists(dir.resolve("other")));
    }
}
