package io.lvs4j.examples;

import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lvs4j schedule}: which real server each new connection hits, as IPVS would choose. */
@Command(name = "schedule", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prints which real server each new connection hits, one name per line, or '-' when no "
                    + "server can take it.",
            "Servers are added to an empty virtual service in the order given, as ipvsadm -A then "
                    + "ipvsadm -a would (each new one first in IPVS's list). Each pick opens a connection "
                    + "that stays active, unless --hold closes it.",
            "A server named IP[:PORT] is that address (port 80 by default); any other name gets an address "
                    + "in 10.0.0.0/8 hashed from the name, so hashing schedulers see a server by its name, "
                    + "not by its place in the list.",
            "Flows go from SRC_IP[:PORT] to the virtual service 198.18.0.1:80 (IPv6: [2001:db8::1]:80), "
                    + "TCP; with no flow every connection comes from 198.19.0.1 port 0.",
            "All picks happen at one instant of a fixed clock, so time-based schedulers (lblc, lblcr) "
                    + "expire nothing and the output depends on the arguments alone."})
final class ScheduleCommand implements Callable<Integer> {

    /** The simulator's clock: one instant, so that a run depends on its arguments alone. */
    private static final NanoClock FIXED_CLOCK = () -> 1_000_000_000_000L;

    @Spec
    private CommandSpec spec;

    @Option(names = "--scheduler", required = true, paramLabel = "NAME",
            description = "The scheduler: rr wrr lc wlc sed nq fo ovf twos sh dh mh lblc lblcr maglev, or "
                    + "another provider's name.")
    private String scheduler;

    @Option(names = "--server", paramLabel = "NAME:WEIGHT", converter = ServerSpec.Converter.class,
            description = "A real server and its weight (0-65535); repeat, in the order they are added. NAME may be"
                    + " IP[:PORT].")
    private List<ServerSpec> servers = new ArrayList<>();

    @Option(names = "--picks", paramLabel = "N",
            description = "How many new connections to schedule; default: one per flow.")
    private Integer picks;

    @Option(names = "--hold", paramLabel = "K", defaultValue = "0",
            description = "Close the connection of pick i just before pick i+K; 0 (default) keeps every "
                    + "connection active.")
    private int hold;

    @Option(names = "--flow", paramLabel = "SRC_IP[:PORT]", converter = FlowSpec.Converter.class,
            description = "The client of a connection; repeat. Picks cycle through the flows.")
    private List<FlowSpec> flows = new ArrayList<>();

    @Option(names = "--flows", paramLabel = "FILE",
            description = "Read flows from a file, one SRC_IP[:PORT] a line ('#' starts a comment).")
    private Path flowsFile;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "The seed of randomized schedulers (twos); default 0.")
    private long seed;

    @Option(names = "--flag", paramLabel = "FLAG", split = ",",
            description = "A scheduler flag as ipvsadm names it: sh-fallback, sh-port, mh-fallback, mh-port; "
                    + "repeat or separate by commas.")
    private List<String> flags = new ArrayList<>();

    @Option(names = "--table-size", paramLabel = "PRIME", defaultValue = "0",
            description = "The lookup table size of mh and Maglev, a prime; 0 (default) for theirs.")
    private int tableSize;

    @Override
    public Integer call() {
        List<FlowSpec> allFlows = flows();
        int count = picks != null ? picks : allFlows.size();
        if (picks == null && allFlows.isEmpty()) {
            throw usage("give --picks N, or flows with --flow or --flows");
        }
        if (count < 0) {
            throw usage("--picks must not be negative: " + count);
        }
        if (hold < 0) {
            throw usage("--hold must not be negative: " + hold);
        }
        Set<String> names = new HashSet<>();
        for (ServerSpec server : servers) {
            if (!names.add(server.name())) {
                throw usage("server '" + server.name() + "' is given twice");
            }
        }
        Scheduler made = scheduler();
        PrintWriter out = spec.commandLine().getOut();
        try {
            ScheduleSimulator.run(made, servers, allFlows.isEmpty() ? List.of(FlowSpec.DEFAULT) : allFlows, count,
                    hold, out::println);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        out.flush();
        return 0;
    }

    private Scheduler scheduler() {
        SchedulerOptions options;
        try {
            options = SchedulerOptions.DEFAULTS.withFlags(Set.copyOf(flags)).withSeed(seed).withTableSize(tableSize)
                    .withClock(FIXED_CLOCK);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        try {
            return Schedulers.create(scheduler, options);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private List<FlowSpec> flows() {
        if (flowsFile == null) {
            return flows;
        }
        if (!flows.isEmpty()) {
            throw usage("give flows with --flow or with --flows, not both");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(flowsFile);
        } catch (IOException e) {
            throw usage("cannot read flows file " + flowsFile + ": " + e.getMessage());
        }
        List<FlowSpec> read = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                read.add(FlowSpec.parse(text));
            } catch (IllegalArgumentException e) {
                throw usage(flowsFile + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (read.isEmpty()) {
            throw usage("flows file " + flowsFile + " holds no flow");
        }
        return read;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
