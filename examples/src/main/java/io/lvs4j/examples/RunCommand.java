package io.lvs4j.examples;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.LoadedConfig;
import io.lvs4j.core.conn.FloodDefense;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.transport.epoll.Director;
import io.lvs4j.transport.epoll.DirectorBuilder;
import io.lvs4j.transport.epoll.RawSockets;
import io.lvs4j.transport.epoll.Transport;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./lvs4j run --config FILE [--interface IF]}: runs a director from a keepalived.conf
 * (VRRP, health checks, forwarding by each virtual server's {@code lb_kind}) as keepalived runs:
 * SIGHUP reloads the file (only the difference applies; a file with an error is refused and the
 * running configuration stays), SIGTERM or Ctrl-C stops it cleanly (a VRRP master sends its
 * priority-0 advert and releases the VIP) and the process exits 0. Logs the table in
 * {@code ipvsadm -Ln} layout whenever it changes.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a director from a keepalived.conf until SIGTERM (needs CAP_NET_RAW and CAP_NET_ADMIN).",
            "SIGHUP (./lvs4j reload) reloads the file; SIGTERM stops cleanly and exits 0.",
            "Logs VRRP state changes and the table (as ipvsadm -Ln) whenever it changes."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** The column header of every table the command logs ({@link IpvsadmFormat}'s); the lab finds tables by it. */
    static final String TABLE_HEADER = "Prot LocalAddress:Port Scheduler Flags";
    /** The option naming the log level, which {@link Lvs4j#main} applies before any logger exists. */
    static final String LOG_LEVEL = "--log-level";

    private enum Event { RELOAD, STOP }

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--config"}, required = true, paramLabel = "FILE", description = "The keepalived.conf.")
    private Path config;

    @Option(names = {"-I", "--interface"}, paramLabel = "IF",
            description = "The interface of the data path and of every vrrp_instance; default: the first"
                    + " vrrp_instance's interface.")
    private String interfaceName;

    @Option(names = {"-a", "--admin"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9180",
            description = "Loopback address of the admin endpoint (`lvs4j status`, `edit` and `reload` ask it),"
                    + " default ${DEFAULT-VALUE}; 'none' for no endpoint.")
    private String admin;

    @Option(names = "--table-interval", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "How often the table is checked for changes to log (ISO-8601, default ${DEFAULT-VALUE}).")
    private Duration tableInterval;

    @Option(names = "--loops", paramLabel = "N",
            description = "Event loops of the data path, one packet socket each; default: the cores of the process's"
                    + " CPU set.")
    private Integer loops;

    @Option(names = "--transport", paramLabel = "KIND", defaultValue = "packet",
            description = "The data path's transport: packet (AF_PACKET sockets) or xdp (an XDP program redirecting the"
                    + " forwarded IPv4 frames to AF_XDP sockets, the rest left to the packet sockets; falls back to"
                    + " packet where the kernel refuses it), default ${DEFAULT-VALUE}.")
    private String transport;

    @Option(names = "--connection-capacity", paramLabel = "N", defaultValue = "1048576",
            description = "Connections each loop's table holds (status shows the sum), default ${DEFAULT-VALUE}.")
    private int connectionCapacity;

    @Option(names = "--drop-entry", paramLabel = "MODE", defaultValue = "auto",
            description = "IPVS's drop_entry against SYN floods: off, auto (on while a table is filled past"
                    + " --flood-threshold) or on: drop random embryonic entries, never established ones; default"
                    + " ${DEFAULT-VALUE}.")
    private String dropEntry;

    @Option(names = "--secure-tcp", paramLabel = "MODE", defaultValue = "auto",
            description = "IPVS's secure_tcp: off, auto or on: embryonic entries live 5 s instead of SYN_RECV's"
                    + " 60 s; default ${DEFAULT-VALUE}.")
    private String secureTcp;

    @Option(names = "--flood-threshold", paramLabel = "PERCENT", defaultValue = "90",
            description = "The fill of a connection table at which the auto defences switch on (off again below"
                    + " 7/8 of it); default ${DEFAULT-VALUE}.")
    private int floodThreshold;

    @Option(names = "--table-dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "Where each loop's connection table is kept, so that the director started again (after a"
                    + " stop, a crash or kill -9) keeps its connections: DIR/lvs4j-NAME-LOOP-ipv4; default"
                    + " ${DEFAULT-VALUE} (memory); 'none' keeps the tables in the process only.")
    private String tableDirectory;

    @Option(names = "--table-name", paramLabel = "NAME",
            description = "NAME in the table files' names; default: a hash of the network namespace, the"
                    + " interface option and the config file's path, so that each director has its own.")
    private String tableName;

    @Option(names = "--fresh-table",
            description = "Delete this director's table files before starting: start with no connection.")
    private boolean freshTable;

    @Option(names = "--expire-nodest-conn",
            description = "Expire a removed real server's connections at their next packet (IPVS's"
                    + " expire_nodest_conn 1); by default their packets are dropped until they expire.")
    private boolean expireNodestConn;

    @Option(names = LOG_LEVEL, paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error; default ${DEFAULT-VALUE}.")
    private String logLevel;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the process id there while running (as keepalived's -p); removed at exit.")
    private Path pidFile;

    /** Creates the command; picocli fills its fields. */
    public RunCommand() {
    }

    /**
     * Runs the director until SIGTERM or SIGINT.
     *
     * @return 0 after a clean stop, 1 if the configuration or the start failed
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String level = logLevel.toLowerCase(Locale.ROOT);
        if (!java.util.Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
            return fail(err, "--log-level must be trace, debug, info, warn or error: " + logLevel);
        }
        System.setProperty("org.slf4j.simpleLogger.log.io.lvs4j", level);
        int loopCount = loops != null ? loops : Runtime.getRuntime().availableProcessors();
        if (loopCount < 1 || connectionCapacity < 1) {
            return fail(err, "--loops and --connection-capacity must be positive");
        }
        LoadedConfig loaded;
        try {
            loaded = KeepalivedConfigParser.create().load(config);
        } catch (ConfigException e) {
            return fail(err, e.position() + ": error: " + e.detail());
        }
        for (ConfigWarning w : loaded.warnings()) {
            LOG.debug("{}", w);
        }
        if (!RawSockets.isAvailable()) {
            return fail(err, "run: " + RawSockets.unavailabilityCause());
        }
        Director director;
        try {
            DirectorBuilder builder = Director.fromConfig(loaded.config(), interfaceName).loops(loopCount)
                    .transport(transport(transport))
                    .connectionCapacity(connectionCapacity).expireNodestConn(expireNodestConn)
                    .floodDefense(new FloodDefense(mode("--drop-entry", dropEntry), mode("--secure-tcp", secureTcp),
                            floodThreshold, FloodDefense.AUTO.secureTimeout()));
            if (!"none".equals(tableDirectory)) {
                String name = tableName != null ? tableName : TableFiles.defaultName(config, interfaceName);
                Path directory = Path.of(tableDirectory);
                if (freshTable) {
                    TableFiles.delete(directory, name);
                }
                builder.keepConnections(directory, name);
                LOG.info("connection tables kept in {}: delete them (or run with --fresh-table) to start empty",
                        directory.resolve(TableFiles.pattern(name)));
            }
            director = builder.build().start();
        } catch (IOException | RuntimeException e) {
            return fail(err, "run: cannot start the director: " + e.getMessage());
        }
        Reloader reloader = new Reloader(config, director);
        AdminServer endpoint = null;
        if (!"none".equals(admin)) {
            try {
                int colon = admin.lastIndexOf(':');
                endpoint = AdminServer.start(director.status(), new InetSocketAddress(
                        InetAddress.getByName(admin.substring(0, colon)), Integer.parseInt(admin.substring(colon + 1))),
                        new DirectorControl(director, reloader)).drain(director::drain);
            } catch (IOException | RuntimeException e) {
                director.close();
                return fail(err, "run: cannot open the admin endpoint " + admin + ": " + e.getMessage());
            }
        }
        AdminServer adminServer = endpoint;
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                if (adminServer != null) {
                    adminServer.close();
                }
                director.close();
                deletePidFile();
            }
        };
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try {
            Signals.handle("HUP", () -> events.add(Event.RELOAD));
            Signals.handle("TERM", () -> events.add(Event.STOP));
            Signals.handle("INT", () -> events.add(Event.STOP));
        } catch (IllegalStateException e) {
            LOG.warn("{}: SIGHUP does not reload, SIGTERM ends the JVM", e.getMessage());
        }
        // Any other way out of the JVM still stops the director cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "lvs4j-stop"));
        if (!writePidFile()) {
            stop.run();
            return fail(err, "run: cannot write the pid file " + pidFile);
        }
        loop(director.status(), reloader, events);
        LOG.info("Stopping (signal)");
        stop.run();
        LOG.info("Stopped");
        return 0;
    }

    /** Logs the table when it changes and reloads on SIGHUP, until SIGTERM or SIGINT. */
    private void loop(StatusSource source, Reloader reloader, BlockingQueue<Event> events) throws InterruptedException {
        String last = "";
        while (true) {
            Event event = events.poll(tableInterval.toMillis(), TimeUnit.MILLISECONDS);
            if (event == Event.STOP) {
                return;
            }
            if (event == Event.RELOAD) {
                reloader.reload();
            }
            String table = table(source);
            if (!table.equals(last)) {
                last = table;
                LOG.info("table{}{}", System.lineSeparator(), table);
            }
        }
    }

    private boolean writePidFile() {
        if (pidFile == null) {
            return true;
        }
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
            return true;
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", pidFile, e.toString());
            return false;
        }
    }

    private void deletePidFile() {
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", pidFile, e.toString());
            }
        }
    }

    private static FloodDefense.Mode mode(String option, String value) {
        try {
            return FloodDefense.Mode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be off, auto or on: " + value, e);
        }
    }

    private static Transport transport(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "packet" -> Transport.PACKET;
            case "xdp" -> Transport.XDP;
            default -> throw new IllegalArgumentException("--transport must be packet or xdp: " + value);
        };
    }

    private static int fail(PrintWriter err, String message) {
        err.println(message);
        err.flush();
        return 1;
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
