package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of the article's configuration: whatever the text, the parser either
 * returns a configuration or throws a {@link ConfigException} with a position inside the text;
 * no other exception escapes.
 */
class ConfigMutationTest {

    private static final String[] PIECES = {"{", "}", "\"", "'", "#", "!", " ", "\n", "0", "-1", "256", "999999999999",
        "1.5", "x", "@", "$", "${", "weight", "TCP_CHECK", "real_server", "198.18.0.", "::", "/", "\\", "include",
        "HTTP_GET {", "url {", "auth_type", "virtual_ipaddress {", "lb_kind", "FNAT", "version 3", "\t",
        "lvs_method TUN type gue port 6080 ", "laddr_group_name g1\n", "local_address_group g1 {\n198.18.0.50-52\n}\n",
        "[", "2001:db8::"};

    @Test
    void shouldOnlyEverThrowConfigExceptionsWithPositions() throws IOException {
        String article = Files.readString(ArticleConfigTest.LVS1);
        SplittableRandom random = new SplittableRandom(20260505L);
        int loaded = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            String text = mutate(article, random, 1 + random.nextInt(4));
            try {
                KeepalivedConfigParser.withoutConfigId().parse(Path.of("fuzz.conf"), text);
                loaded++;
            } catch (ConfigException e) {
                refused++;
                int lines = text.split("\n", -1).length;
                SourcePosition p = e.position();
                assertTrue(p.line() >= 0 && p.line() <= lines + 1, () -> "line out of the text: " + e.getMessage());
                assertEquals(Path.of("fuzz.conf"), p.file(), e::getMessage);
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + " escaped with " + e + " on:\n" + text, e);
            }
        }
        assertEquals(3000, loaded + refused);
        assertTrue(loaded > 0 && refused > 0, "the mutations both keep and break the configuration");
    }

    private static String mutate(String text, SplittableRandom random, int edits) {
        StringBuilder b = new StringBuilder(text);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(b.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> b.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 1 -> b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(6)));
                default -> {
                    List<String> lines = new ArrayList<>(List.of(b.toString().split("\n", -1)));
                    int line = random.nextInt(lines.size());
                    lines.add(random.nextInt(lines.size()), lines.get(line));
                    b.setLength(0);
                    b.append(String.join("\n", lines));
                }
            }
        }
        return b.toString();
    }
}
