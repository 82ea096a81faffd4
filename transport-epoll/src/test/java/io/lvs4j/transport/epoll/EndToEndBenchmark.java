package io.lvs4j.transport.epoll;

import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bounded end-to-end benchmark of every forwarding path (run by {@code benchmarks/e2e},
 * not a test). In one lab ({@link EndToEndLab}) wrk in the client namespace measures, round by
 * round, each path to the same nginx real server: the direct path, the kernel's nftables DNAT
 * and the lvs4j director's methods. Within a round every path runs once for a fixed time, in an
 * order rotated from round to round; each path's rate is divided by the direct path's rate of
 * the same round, and the results are the medians over rounds of the rates and of these ratios.
 * Two modes: keep-alive requests/s, and new connections/s ({@code Connection: close}). For the
 * lvs4j paths it also reports the CPU time the director's event loops (and, for TUN, the real
 * server's decapsulator loop) used per request, a cost that depends less on the machine's other
 * load than the rates do.
 *
 * <p>Arguments: seconds per run, rounds, event loops of the director, wrk connections, the
 * comma-separated paths ({@code all} or names of {@link EndToEndPath}; direct is always
 * measured), and the modes ({@code keepalive}, {@code close} or {@code both}).
 */
public final class EndToEndBenchmark {

    private EndToEndBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, rounds, event loops, wrk connections, paths, modes
     *     (defaults 5 3 1 32 all both)
     * @throws Exception if the lab cannot be built or a path does not work
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int loopCount = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        List<EndToEndPath> paths = EndToEndPath.parse(args.length > 4 ? args[4] : "all");
        String modes = args.length > 5 ? args[5] : "both";
        if (seconds < 1 || seconds > 600 || rounds < 1 || rounds > 100 || connections < 1 || connections > 10_000) {
            throw new IllegalArgumentException("seconds in [1, 600], rounds in [1, 100], connections in [1, 10000]");
        }
        List<Boolean> keepAliveModes = switch (modes) {
            case "keepalive" -> List.of(true);
            case "close" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> throw new IllegalArgumentException("modes must be keepalive, close or both: " + modes);
        };
        if (paths.contains(EndToEndPath.DNAT)) {
            NetnsGuard.assumeNetns("wrk", "curl", "nft");
        } else {
            NetnsGuard.assumeNetns("wrk", "curl");
        }
        System.out.printf(Locale.ROOT, "e2e: %s, %s, %d CPU(s), kernel %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                cpuModel(), Runtime.getRuntime().availableProcessors(), read("/proc/sys/kernel/osrelease"));
        System.out.printf(Locale.ROOT, "e2e: %d s runs, %d rounds, %d loop(s), %d wrk connections (2 threads), paths %s,"
                + " load average %s%n", seconds, rounds, loopCount, connections, paths, load());
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(loopCount);
        try (EndToEndLab lab = EndToEndLab.start(paths, loops)) {
            System.out.println("e2e: real server " + lab.serverKind());
            for (EndToEndPath path : paths) {
                lab.verify(path);
            }
            int warmUp = Math.min(2, seconds);
            for (boolean keepAlive : keepAliveModes) {
                for (EndToEndPath path : paths) {
                    Wrk.run(lab.client(), url(lab, path), warmUp, connections, keepAlive);
                }
            }
            System.out.printf(Locale.ROOT, "e2e: warmed up (%d s per path and mode), load average %s%n", warmUp, load());
            List<String> table = new ArrayList<>();
            for (boolean keepAlive : keepAliveModes) {
                table.addAll(measure(lab, paths, keepAlive, seconds, rounds, connections));
            }
            System.out.printf(Locale.ROOT, "e2e: done %s, load average %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                    load());
            lab.report(System.out);
            System.out.println();
            System.out.println("| mode | path | median rate | median ratio to direct | ratios per round "
                    + "| lvs4j CPU per request, µs (median) |");
            System.out.println("|---|---|---|---|---|---|");
            table.forEach(System.out::println);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Measures one mode over every round; prints each round; returns the table rows of the mode. */
    private static List<String> measure(EndToEndLab lab, List<EndToEndPath> paths, boolean keepAlive, int seconds,
            int rounds, int connections) {
        String mode = keepAlive ? "keep-alive" : "new connections";
        String unit = keepAlive ? "req/s" : "conn/s";
        Map<EndToEndPath, List<Double>> rates = new EnumMap<>(EndToEndPath.class);
        Map<EndToEndPath, List<Double>> ratios = new EnumMap<>(EndToEndPath.class);
        Map<EndToEndPath, List<Double>> cpu = new EnumMap<>(EndToEndPath.class);
        Map<EndToEndPath, List<Double>> decapCpu = new EnumMap<>(EndToEndPath.class);
        for (EndToEndPath path : paths) {
            rates.put(path, new ArrayList<>());
            ratios.put(path, new ArrayList<>());
            cpu.put(path, new ArrayList<>());
            decapCpu.put(path, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            Map<EndToEndPath, Wrk.Result> results = new EnumMap<>(EndToEndPath.class);
            List<EndToEndPath> order = new ArrayList<>(paths);
            Collections.rotate(order, -round);
            for (EndToEndPath path : order) {
                long director = lab.directorCpuNanos();
                long decap = lab.decapsulatorCpuNanos();
                Wrk.Result result = Wrk.run(lab.client(), url(lab, path), seconds, connections, keepAlive);
                results.put(path, result);
                if (path.viaDirector() && result.requests() > 0) {
                    cpu.get(path).add((lab.directorCpuNanos() - director) / 1e3 / result.requests());
                    decapCpu.get(path).add((lab.decapsulatorCpuNanos() - decap) / 1e3 / result.requests());
                }
            }
            double direct = results.get(EndToEndPath.DIRECT).rate();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s round %d (load %s):", mode,
                    round + 1, load()));
            for (EndToEndPath path : paths) {
                Wrk.Result result = results.get(path);
                rates.get(path).add(result.rate());
                ratios.get(path).add(result.rate() / direct);
                line.append(String.format(Locale.ROOT, "  %s %.0f (%.3f)", path.key(), result.rate(),
                        result.rate() / direct));
                if (result.errors() > 0) {
                    line.append(" errors ").append(result.errors());
                }
            }
            System.out.println(line);
        }
        List<String> rows = new ArrayList<>();
        for (EndToEndPath path : paths) {
            List<String> perRound = new ArrayList<>();
            for (double ratio : ratios.get(path)) {
                perRound.add(String.format(Locale.ROOT, "%.3f", ratio));
            }
            String costs = "";
            if (!cpu.get(path).isEmpty()) {
                costs = String.format(Locale.ROOT, "%.2f", median(cpu.get(path)));
                if (path == EndToEndPath.IPIP || path == EndToEndPath.GUE) {
                    costs += String.format(Locale.ROOT, " + decapsulator %.2f", median(decapCpu.get(path)));
                }
            }
            String row = String.format(Locale.ROOT, "| %s | %s | %,.0f %s | %.3f | %s | %s |", mode, path.label(),
                    median(rates.get(path)), unit, median(ratios.get(path)), String.join(", ", perRound), costs);
            System.out.println(row);
            rows.add(row);
        }
        return rows;
    }

    private static String url(EndToEndLab lab, EndToEndPath path) {
        return "http://" + lab.target(path) + ":" + EndToEndLab.PORT + "/";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** @return the 1, 5 and 15 minute load averages */
    private static String load() {
        String[] fields = read("/proc/loadavg").split(" ");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "?";
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "unknown CPU";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
