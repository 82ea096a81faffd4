package io.lvs4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds of a Jazzer fuzz test in its committed corpus, {@code <Class>Inputs/<method>/} beside
 * the class in the test resources, where Jazzer replays them in every build and starts fuzzing
 * from them. A seed test of each fuzz test checks that its seeds are there; with
 * {@code -Dlvs4j.fuzz.writeSeeds=true} it writes them instead (run from the module's directory).
 */
public final class FuzzInputs {

    private FuzzInputs() {
    }

    /**
     * Checks, or writes, the seeds of a fuzz test.
     *
     * @param test the fuzz test's class
     * @param method the fuzz test's method
     * @param seeds the seeds by file name
     */
    public static void committed(Class<?> test, String method, Map<String, byte[]> seeds) {
        String directory = test.getSimpleName() + "Inputs/" + method + "/";
        if (Boolean.getBoolean("lvs4j.fuzz.writeSeeds")) {
            Path root = Path.of("src/test/resources", test.getPackageName().replace('.', '/'), directory);
            try {
                Files.createDirectories(root);
                for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                    Files.write(root.resolve(seed.getKey()), seed.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            try (InputStream in = test.getResourceAsStream(directory + seed.getKey())) {
                assertNotNull(in, "seed " + directory + seed.getKey()
                        + " committed (write it with -Dlvs4j.fuzz.writeSeeds=true)");
                assertTrue(Arrays.equals(seed.getValue(), in.readAllBytes()), "seed " + seed.getKey() + " up to date");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
