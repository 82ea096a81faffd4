package io.lvs4j.examples;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.LoadedConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.transport.epoll.Director;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./lvs4j check-config FILE}: reads a keepalived.conf as the director would, prints
 * each warning and the first error as {@code file:line:column: ...}, and exits with 0 if the
 * configuration can be used, 1 if not: also when the file is read but {@code run} would refuse
 * it (a {@code virtual_server fwmark}, real servers of mixed methods, ...).
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Checks a keepalived.conf without running anything.",
            "Prints warnings (keywords lvs4j ignores) and errors with file:line:column;"
                + " exits 0 if the configuration is usable, 1 if not."})
public final class CheckConfig implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The keepalived.conf to check.")
    private Path file;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "Config id for @ID conditional lines (keepalived's -i); default: the host name.")
    private String configId;

    @Option(names = {"-q", "--quiet"}, description = "Print errors only, no warnings or summary.")
    private boolean quiet;

    /** Creates the command; picocli fills its fields. */
    public CheckConfig() {
    }

    /**
     * Checks the file.
     *
     * @return 0 if the configuration is usable, 1 if not
     */
    @Override
    public Integer call() {
        // The parser also logs its warnings; this command prints them itself, once.
        System.setProperty("org.slf4j.simpleLogger.log.io.lvs4j.core.config", "error");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KeepalivedConfigParser parser = configId != null ? KeepalivedConfigParser.withConfigId(configId)
                : KeepalivedConfigParser.create();
        LoadedConfig loaded;
        try {
            loaded = parser.load(file);
        } catch (ConfigException e) {
            err.println(e.position() + ": error: " + e.detail());
            err.flush();
            return 1;
        }
        try {
            // what run would refuse after reading the file (an IPv6 fwmark service, mixed methods, ...)
            Director.fromConfig(loaded.config(), loaded.config().vrrpInstances().isEmpty() ? "eth0" : null);
        } catch (IllegalArgumentException e) {
            err.println(file + ": error: the director cannot run this configuration: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (!quiet) {
            for (ConfigWarning w : loaded.warnings()) {
                err.println(w);
            }
            err.flush();
            out.println(file + ": OK (" + summary(loaded.config()) + "; " + loaded.warnings().size()
                    + (loaded.warnings().size() == 1 ? " warning" : " warnings")
                    + (loaded.files().size() > 1 ? "; " + loaded.files().size() + " files" : "") + ")");
            out.flush();
        }
        return 0;
    }

    private static String summary(DirectorConfig c) {
        int realServers = 0;
        for (VirtualServerConfig vs : c.virtualServers()) {
            realServers += vs.realServers().size();
        }
        return count(c.vrrpInstances().size(), "vrrp_instance") + ", "
                + count(c.vrrpSyncGroups().size(), "vrrp_sync_group") + ", "
                + count(c.vrrpScripts().size(), "vrrp_script") + ", "
                + count(c.virtualServers().size(), "virtual_server") + ", "
                + count(realServers, "real_server")
                + (c.localAddressGroups().isEmpty() ? "" : ", " + count(c.localAddressGroups().size(),
                        "local_address_group"))
                + c.bgp().map(b -> ", bgp_announce (" + (b.frr() ? "frr, " + count(b.neighbors().size(), "neighbor")
                        : "commands") + ")").orElse("");
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
