package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One version everywhere: the parent POM's, the BOM's and the one {@code lvs4j --version} prints. */
class VersionTest {

    private static final Pattern OWN_VERSION = Pattern.compile(
            "<artifactId>(lvs4j-parent|lvs4j-bom)</artifactId>.*?<version>([^<]+)</version>", Pattern.DOTALL);

    private static String pomVersion(Path pom) throws Exception {
        Matcher m = OWN_VERSION.matcher(Files.readString(pom));
        if (!m.find()) {
            throw new AssertionError("no version in " + pom);
        }
        return m.group(2);
    }

    @Test
    void shouldPrintTheVersionOfTheParentPomAndTheBom() throws Exception {
        String parent = pomVersion(Path.of("..", "pom.xml"));
        StringWriter out = new StringWriter();
        int code = Lvs4j.commandLine().setOut(new PrintWriter(out)).execute("--version");

        assertEquals(0, code);
        assertEquals("lvs4j " + parent, out.toString().strip());
        assertEquals(parent, pomVersion(Path.of("..", "bom", "pom.xml")));
        assertEquals(parent, Version.current());
    }
}
