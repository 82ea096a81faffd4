package io.lvs4j.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The result of reading a keepalived.conf: the configuration, the warnings about what was
 * ignored, and every file that was read (the main file first, then included files in order).
 *
 * @param config the configuration
 * @param warnings the warnings, in file order
 * @param files the files read
 */
public record LoadedConfig(DirectorConfig config, List<ConfigWarning> warnings, List<Path> files) {

    /**
     * Checks the values.
     *
     * @throws NullPointerException if a component is null
     */
    public LoadedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
        files = List.copyOf(files);
    }
}
