package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    private static final Set<String> NAMES = new TreeSet<>(List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo",
            "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr", "maglev"));

    @Test
    void shouldMakeEverySchedulerByName() {
        assertEquals(NAMES, Schedulers.names());
        for (String name : NAMES) {
            Scheduler s = Schedulers.create(name, SchedulerOptions.DEFAULTS);
            assertEquals(name, s.name());
        }
    }

    @Test
    void shouldListTheSameProvidersForTheClassPath() throws Exception {
        List<String> lines = Files.readAllLines(
                Path.of("src/main/resources/META-INF/services/io.lvs4j.core.sched.SchedulerProvider"));
        assertEquals(NAMES.size(), lines.size());
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            Class<?> type = Class.forName(line.trim());
            names.add(((io.lvs4j.core.sched.SchedulerProvider) type.getConstructor().newInstance()).name());
        }
        assertEquals(NAMES, names);
    }

    @Test
    void shouldRejectOptionsThatDoNotApply() {
        SchedulerOptions shPort = SchedulerOptions.DEFAULTS.withFlags(Set.of("sh-port"));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create("rr", shPort));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create("mh", shPort));
        assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create("wlc", SchedulerOptions.DEFAULTS.withTableSize(251)));
        assertEquals("sh", Schedulers.create("sh", shPort).name());
    }
}
