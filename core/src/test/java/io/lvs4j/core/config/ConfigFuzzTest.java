package io.lvs4j.core.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.FuzzInputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link KeepalivedConfigParser}: whatever the text, the
 * parser returns a configuration or throws a {@link ConfigException} whose position lies in
 * the file it names; no other exception escapes. The text is the content of {@code fuzz.conf}
 * in a directory of its own that also holds {@code sub.conf} (a real server), so that relative
 * includes, their globs and cycles are reached; an input with both an include and a slash is
 * skipped, so that no include leaves that directory.
 *
 * <p>In a normal build this replays the committed corpus ({@code ConfigFuzzTestInputs}), the
 * example configurations among them; {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class ConfigFuzzTest {

    static {
        // The parser logs every warning; millions of inputs would drown the fuzzer's own output.
        System.setProperty("org.slf4j.simpleLogger.log.io.lvs4j.core.config", "error");
    }

    private static final Path DIRECTORY = directory();
    private static final Path FILE = DIRECTORY.resolve("fuzz.conf");

    @AfterAll
    static void removeDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(DIRECTORY)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void loadsOrRefusesEveryText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (outside(text)) {
            return;
        }
        try {
            KeepalivedConfigParser.withConfigId("lvs1").parse(FILE, text);
        } catch (ConfigException e) {
            SourcePosition p = e.position();
            assertTrue(p.file().equals(FILE) || p.file().startsWith(DIRECTORY), e::getMessage);
            // Lines as the lexer counts them: a lone CR ends one too (old Mac files).
            int lines = p.file().equals(FILE) ? text.split("\r?\n|\r", -1).length : Integer.MAX_VALUE - 1;
            assertTrue(p.line() >= 0 && p.line() <= lines + 1, () -> "line out of the text: " + e.getMessage());
        }
    }

    @Test
    void shouldReadEverySeedAndKeepThemCommitted() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        try (Stream<Path> examples = Files.list(Path.of("../examples/conf"))) {
            for (Path p : examples.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
                seeds.put("seed-" + p.getFileName().toString().replace(".conf", ""), Files.readAllBytes(p));
            }
        }
        seeds.put("seed-include", ("! Configuration\nglobal_defs {\n router_id LVS_1\n}\n"
                + "@lvs1 $PORT=80\n@^lvs1 $PORT=81\nvirtual_server 198.18.0.200 ${PORT} {\n lb_algo wrr\n"
                + " lb_kind DR\n protocol TCP\n include sub*.conf\n}\ninclude fuzz.conf\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(seeds.size() >= 5, "the examples are seeds");
        for (byte[] seed : seeds.values()) {
            String text = new String(seed, StandardCharsets.UTF_8);
            assertTrue(!outside(text), "a seed is read");
            loadsOrRefusesEveryText(seed);
        }
        FuzzInputs.committed(getClass(), "loadsOrRefusesEveryText", seeds);
    }

    /** Whether an include might name a file outside the directory (a slash where an include is). */
    private static boolean outside(String text) {
        return text.contains("include") && (text.indexOf('/') >= 0 || text.indexOf('\\') >= 0);
    }

    private static Path directory() {
        try {
            Path d = Files.createTempDirectory("lvs4j-config-fuzz");
            Files.writeString(d.resolve("sub.conf"), "real_server 198.18.0.13 80 {\n weight 2\n TCP_CHECK {\n"
                    + "  connect_timeout 3\n }\n}\n");
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
