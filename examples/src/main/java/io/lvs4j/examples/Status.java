package io.lvs4j.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.IpvsadmFormat.Columns;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./lvs4j status [-c] [--rate] [--stats]}: asks a running director's admin endpoint for
 * its table and prints it as {@code ipvsadm -Ln} does, followed by its BGP announcement if it
 * makes one ({@code bgp_announce}); {@code -c} lists connections as
 * {@code ipvsadm -Lnc}. As with ipvsadm, {@code --stats} wins over {@code --rate}. Exits 0, or
 * 1 if the director cannot be asked.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Prints a running director's virtual services as ipvsadm -Ln does.",
            "Asks the director's admin endpoint on loopback; exits 1 if it does not answer."})
public final class Status implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--connection"}, description = "List connections (ipvsadm -Lnc).")
    private boolean connections;

    @Option(names = "--stats", description = "Show counters: Conns InPkts OutPkts InBytes OutBytes.")
    private boolean stats;

    @Option(names = "--rate", description = "Show rates: CPS InPPS OutPPS InBPS OutBPS.")
    private boolean rate;

    @Option(names = "--loops", description = "Show each event loop's connections, new connections and frames"
            + " forwarded (how the fanout spreads clients).")
    private boolean loops;

    @Option(names = {"-a", "--admin"}, paramLabel = "HOST:PORT",
            description = "The director's admin endpoint (default: ${DEFAULT-VALUE}).")
    private String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

    @Override
    public Integer call() throws InterruptedException {
        String path = loops ? "/loops" : connections ? "/connections" : "/status";
        URI uri = URI.create("http://" + admin + path);
        String body;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                spec.commandLine().getErr().printf("lvs4j status: %s answered %d: %s%n", uri,
                        response.statusCode(), response.body().strip());
                spec.commandLine().getErr().flush();
                return 1;
            }
            body = response.body();
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().printf("lvs4j status: no director answers at %s (%s)%n", uri,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        String text;
        try {
            if (loops) {
                text = loops(AdminJson.mapper().readTree(body));
            } else if (connections) {
                text = IpvsadmFormat.connections(AdminJson.mapper().readValue(body,
                        new TypeReference<List<ConnectionEntry>>() { }));
            } else {
                DirectorStatus status = AdminJson.mapper().readValue(body, DirectorStatus.class);
                text = IpvsadmFormat.table(status, stats ? Columns.STATS : rate ? Columns.RATE : Columns.CONNECTIONS)
                        + flood(status.counters()) + transport(status.counters())
                        + (status.announcement() == null ? "" : status.announcement().text());
            }
        } catch (IOException e) {
            spec.commandLine().getErr().printf("lvs4j status: unreadable answer from %s (%s)%n", uri, e);
            spec.commandLine().getErr().flush();
            return 1;
        }
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Describes the SYN-flood defence when it is on or has done anything: which defences are on
     * (in how many tables), embryonic entries dropped, new flows a full table refused.
     *
     * @param counters the director's counters
     * @return a line, or nothing
     */
    static String flood(java.util.Map<String, Long> counters) {
        long dropActive = counters.getOrDefault("flood_drop_entry_active", 0L);
        long secureActive = counters.getOrDefault("flood_secure_tcp_active", 0L);
        long dropped = counters.getOrDefault("flood_embryonic_dropped", 0L);
        long refused = counters.getOrDefault("connection_table_refused", 0L);
        long activations = counters.getOrDefault("flood_defense_activations", 0L);
        if (dropActive + secureActive + dropped + refused + activations == 0) {
            return "";
        }
        return String.format("SYN-flood defence: drop_entry %s, secure_tcp %s; %d embryonic entries dropped,"
                + " %d new connections refused (table full), switched on %d times%n",
                dropActive > 0 ? "on (" + dropActive + " tables)" : "off", secureActive > 0 ? "on (" + secureActive
                        + " tables)" : "off", dropped, refused, activations);
    }

    /**
     * Describes the AF_XDP transport when the director runs on it (nothing for the packet sockets,
     * the default).
     *
     * @param counters the director's counters
     * @return a line, or nothing
     */
    static String transport(java.util.Map<String, Long> counters) {
        Long native_ = counters.get("xdp_native");
        if (native_ == null) {
            return "";
        }
        return String.format("Transport: AF_XDP (%s mode): %d frames received, %d sent, %d dropped (transmit ring"
                + " full), %d dropped by the kernel (receive ring full, fill ring empty)%n",
                native_ == 1 ? "native" : "generic", counters.getOrDefault("xdp_rx_frames", 0L),
                counters.getOrDefault("xdp_tx_frames", 0L), counters.getOrDefault("xdp_tx_dropped", 0L),
                counters.getOrDefault("xdp_kernel_drops", 0L));
    }

    /** @return one line per loop under a header, as the director's {@code /loops} lists them */
    static String loops(com.fasterxml.jackson.databind.JsonNode list) {
        StringBuilder text = new StringBuilder(String.format("%-5s %12s %12s %14s%n", "Loop", "Connections",
                "NewConns", "Forwarded"));
        for (com.fasterxml.jackson.databind.JsonNode loop : list) {
            text.append(String.format("%-5d %12d %12d %14d%n", loop.get("loop").asInt(), loop.get("connections").asLong(),
                    loop.get("newConnections").asLong(), loop.get("forwarded").asLong()));
        }
        return text.toString();
    }
}
