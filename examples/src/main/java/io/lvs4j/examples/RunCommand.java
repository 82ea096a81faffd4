package io.lvs4j.examples;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.LoadedConfig;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.transport.epoll.Director;
import io.lvs4j.transport.epoll.RawSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./lvs4j run --config FILE [--interface IF]}: runs a director from a keepalived.conf
 * (VRRP, health checks, forwarding by each virtual server's {@code lb_kind}) until SIGTERM or
 * Ctrl-C; then a VRRP master sends its priority-0 advert and releases the VIP. Logs the VRRP states and, whenever it
 * changes, the table in {@code ipvsadm -Ln} layout.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a director from a keepalived.conf until SIGTERM (needs CAP_NET_RAW).",
            "Logs VRRP state changes and the table (as ipvsadm -Ln) whenever it changes."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** The column header of every table the command logs ({@link IpvsadmFormat}'s); the lab finds tables by it. */
    static final String TABLE_HEADER = "Prot LocalAddress:Port Scheduler Flags";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--config"}, required = true, paramLabel = "FILE", description = "The keepalived.conf.")
    private Path config;

    @Option(names = {"-I", "--interface"}, paramLabel = "IF",
            description = "The interface of the data path and of every vrrp_instance; default: the first"
                    + " vrrp_instance's interface.")
    private String interfaceName;

    @Option(names = {"-a", "--admin"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9180",
            description = "Loopback address of the admin endpoint (`lvs4j status` asks it), default ${DEFAULT-VALUE};"
                    + " 'none' for no endpoint.")
    private String admin;

    @Option(names = "--table-interval", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "How often the table is checked for changes to log (ISO-8601, default ${DEFAULT-VALUE}).")
    private Duration tableInterval;

    /** Creates the command; picocli fills its fields. */
    public RunCommand() {
    }

    /**
     * Runs the director until the JVM is asked to stop.
     *
     * @return 0 after a clean stop, 1 if the configuration or the start failed
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfig loaded;
        try {
            loaded = KeepalivedConfigParser.create().load(config);
        } catch (ConfigException e) {
            err.println(e.position() + ": error: " + e.detail());
            err.flush();
            return 1;
        }
        for (ConfigWarning w : loaded.warnings()) {
            LOG.debug("{}", w);
        }
        if (!RawSockets.isAvailable()) {
            err.println("run: " + RawSockets.unavailabilityCause());
            err.flush();
            return 1;
        }
        Director director;
        try {
            director = Director.fromConfig(loaded.config(), interfaceName).build().start();
        } catch (IOException | RuntimeException e) {
            err.println("run: cannot start the director: " + e.getMessage());
            err.flush();
            return 1;
        }
        StatusSource source = director.status();
        AdminServer endpoint = null;
        if (!"none".equals(admin)) {
            try {
                int colon = admin.lastIndexOf(':');
                endpoint = AdminServer.start(source, new InetSocketAddress(
                        InetAddress.getByName(admin.substring(0, colon)), Integer.parseInt(admin.substring(colon + 1))))
                        .drain(director::drain);
            } catch (IOException | RuntimeException e) {
                director.close();
                err.println("run: cannot open the admin endpoint " + admin + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        AdminServer adminServer = endpoint;
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("stopping (signal)");
            if (adminServer != null) {
                adminServer.close();
            }
            director.close();
            stopped.countDown();
        }, "lvs4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String last = "";
        while (!stopped.await(tableInterval.toMillis(), TimeUnit.MILLISECONDS)) {
            String table = table(source);
            if (!table.equals(last)) {
                last = table;
                LOG.info("table{}{}", System.lineSeparator(), table);
            }
        }
        return 0;
    }

    /**
     * Formats a director's virtual services as {@code ipvsadm -Ln} does, through
     * {@link IpvsadmFormat}.
     *
     * @param source the director's status
     * @return the table, header included, without a trailing line separator
     */
    static String table(StatusSource source) {
        return IpvsadmFormat.table(DirectorStatus.of(source), IpvsadmFormat.Columns.CONNECTIONS).stripTrailing();
    }
}
