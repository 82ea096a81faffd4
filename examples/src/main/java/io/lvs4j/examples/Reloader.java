package io.lvs4j.examples;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.LoadedConfig;
import io.lvs4j.transport.epoll.Director;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reloads a running director from its keepalived.conf, as keepalived does on SIGHUP: the file is
 * read again and checked whole; a file with an error is refused with its {@code file:line:column}
 * message, and so is a configuration the director cannot apply; either way the running
 * configuration stays as it was. Each attempt is numbered, so that {@code ./lvs4j reload} can
 * tell when its own has been made and how it went. Thread-safe: attempts are serialised.
 */
final class Reloader {

    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /**
     * How the last reload went.
     *
     * @param generation reloads attempted since the start, 0 before the first
     * @param ok whether it was applied
     * @param messages why it was refused (empty when applied)
     * @param pid the director's process id, which {@code ./lvs4j reload} signals
     */
    record Outcome(long generation, boolean ok, List<String> messages, long pid) {
    }

    private final Path file;
    private final Director director;
    private volatile Outcome last = new Outcome(0, true, List.of(), ProcessHandle.current().pid());

    Reloader(Path file, Director director) {
        this.file = file;
        this.director = director;
    }

    /** @return how the last reload went */
    Outcome last() {
        return last;
    }

    /**
     * Reads the file again and applies its difference.
     *
     * @return how it went
     */
    synchronized Outcome reload() {
        LOG.info("Reloading: {}", file);
        long generation = last.generation() + 1;
        LoadedConfig loaded;
        try {
            loaded = KeepalivedConfigParser.create().load(file);
        } catch (ConfigException e) {
            return refused(generation, e.position() + ": error: " + e.detail());
        }
        for (ConfigWarning w : loaded.warnings()) {
            LOG.debug("{}", w);
        }
        try {
            director.reload(loaded.config());
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            return refused(generation, file + ": cannot apply: " + e.getMessage());
        }
        LOG.info("Reload of {} done", file);
        last = new Outcome(generation, true, List.of(), last.pid());
        return last;
    }

    private Outcome refused(long generation, String message) {
        LOG.error("Reload refused, the running configuration stays: {}", message);
        last = new Outcome(generation, false, List.of(message), last.pid());
        return last;
    }
}
