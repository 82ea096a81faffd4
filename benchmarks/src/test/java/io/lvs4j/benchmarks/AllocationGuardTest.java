package io.lvs4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;

class AllocationGuardTest {

    private static final String GUARDED = "io.lvs4j.benchmarks.guarded.GuardedBenchmark";

    @Test
    void shouldFindOnlyTheBenchmarksMarkedHotPath() {
        assertEquals(List.of(GUARDED + ".allocates", GUARDED + ".clean"),
                AllocationGuard.hotPathBenchmarks(List.of("guarded")));
    }

    @Test
    void shouldFailWhenAHotPathAllocatesAndNameIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = AllocationGuard.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("guarded"),
                TimeValue.milliseconds(100));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, out);
        assertTrue(out.contains("ALLOCATES guarded.GuardedBenchmark.allocates"), out);
        assertTrue(!out.contains("ALLOCATES guarded.GuardedBenchmark.clean"), out);
        assertTrue(out.contains("| guarded.GuardedBenchmark.clean "), out);
    }

    @Test
    void shouldPassWhenNoHotPathAllocates() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = AllocationGuard.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                List.of("GuardedBenchmark\\.clean"), TimeValue.milliseconds(100));
        assertEquals(0, exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseToPassWhenNothingIsGuarded() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, AllocationGuard.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                List.of("no\\.such\\.benchmark"), TimeValue.milliseconds(100)));
    }
}
