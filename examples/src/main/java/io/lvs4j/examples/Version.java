package io.lvs4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of lvs4j as the build wrote it ({@code version.properties}, filtered from the
 * POM's {@code project.version}), so that {@code lvs4j --version} says what the POM says.
 */
public final class Version implements IVersionProvider {

    /** Creates the provider; picocli calls it. */
    public Version() {
    }

    /** @return the project version, such as {@code 0.1.0-SNAPSHOT} */
    public static String current() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"lvs4j " + current()};
    }
}
