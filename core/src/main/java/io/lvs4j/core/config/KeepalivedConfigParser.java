package io.lvs4j.core.config;

import io.lvs4j.core.config.internal.ConfigReader;
import io.lvs4j.core.config.internal.Diagnostics;
import io.lvs4j.core.config.internal.Lexer;
import io.lvs4j.core.config.internal.TreeParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads keepalived.conf into a {@link DirectorConfig}.
 *
 * <p>The syntax is keepalived's: blocks in braces, {@code #} and {@code !} comments anywhere
 * (also after a value), quoted strings, {@code include} with globs relative to the including
 * file (cycles are errors), {@code @ID} / {@code @^ID} conditional lines compared with the
 * config id, and {@code $NAME=VALUE} parameters. Keywords that keepalived has and lvs4j does
 * not act on (e-mail alerts, SNMP, VMACs, ...) are warnings with their position, logged through
 * SLF4J and returned in {@link LoadedConfig#warnings()}; anything else that is wrong (a
 * syntax error, an unknown keyword, a value out of range, a reference to an undeclared
 * script or instance) is a {@link ConfigException} whose message starts with
 * {@code file:line:column}.
 *
 * <p>Differences from keepalived: keepalived logs most configuration errors and carries on
 * with a default; lvs4j refuses the configuration instead. A {@code virtual_server group NAME}
 * becomes one {@link VirtualServerConfig} per member of the {@code virtual_server_group}.
 * {@code SMTP_CHECK}, {@code PING_CHECK}, {@code BFD_CHECK} and {@code FILE_CHECK} are read
 * and skipped with a warning. Host names are not resolved: addresses must be literals.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KeepalivedConfigParser {

    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedConfigParser.class);

    private final Optional<String> configId;

    private KeepalivedConfigParser(Optional<String> configId) {
        this.configId = configId;
    }

    /**
     * A parser whose config id is this host's name up to the first dot, as keepalived's
     * default is.
     *
     * @return the parser
     */
    public static KeepalivedConfigParser create() {
        return new KeepalivedConfigParser(hostName());
    }

    /**
     * A parser with a given config id (keepalived's {@code -i}/{@code --config-id}).
     *
     * @param configId the id that {@code @ID} lines are compared with
     * @return the parser
     */
    public static KeepalivedConfigParser withConfigId(String configId) {
        return new KeepalivedConfigParser(Optional.of(Objects.requireNonNull(configId, "configId")));
    }

    /**
     * A parser with no config id: every {@code @ID} line is skipped, every {@code @^ID} line
     * is read.
     *
     * @return the parser
     */
    public static KeepalivedConfigParser withoutConfigId() {
        return new KeepalivedConfigParser(Optional.empty());
    }

    /**
     * Returns the config id {@code @ID} lines are compared with.
     *
     * @return the id, or empty for none
     */
    public Optional<String> configId() {
        return configId;
    }

    /**
     * Reads a configuration file and the files it includes.
     *
     * @param file the main file
     * @return the configuration, its warnings and the files read
     * @throws ConfigException if the configuration is wrong or a file cannot be read
     */
    public LoadedConfig load(Path file) throws ConfigException {
        Diagnostics diagnostics = new Diagnostics();
        return finish(new Lexer(file, configId, diagnostics), file, diagnostics);
    }

    /**
     * Reads configuration text as if it were the content of a file (includes are relative to
     * the file's directory).
     *
     * @param file the name the text goes by in messages
     * @param text the content
     * @return the configuration, its warnings and the files read
     * @throws ConfigException if the configuration is wrong or an included file cannot be read
     */
    public LoadedConfig parse(Path file, String text) throws ConfigException {
        Diagnostics diagnostics = new Diagnostics();
        return finish(new Lexer(file, text, configId, diagnostics), file, diagnostics);
    }

    private static LoadedConfig finish(Lexer lexer, Path file, Diagnostics diagnostics) throws ConfigException {
        DirectorConfig config = new ConfigReader(diagnostics).read(new TreeParser(lexer).parse(), file);
        LoadedConfig loaded = new LoadedConfig(config, diagnostics.warnings(), lexer.files());
        for (ConfigWarning w : loaded.warnings()) {
            LOG.warn("{}", w);
        }
        return loaded;
    }

    private static Optional<String> hostName() {
        String name = null;
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(kernel)) {
                name = Files.readString(kernel, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            LOG.debug("cannot read the host name from {}", kernel, e);
        }
        if (name == null || name.isEmpty()) {
            name = System.getenv("HOSTNAME");
        }
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        int dot = name.indexOf('.');
        return Optional.of(dot > 0 ? name.substring(0, dot) : name);
    }
}
