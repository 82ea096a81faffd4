package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the VRRP integration tests read of a host's kernel addresses: {@code ip -ts monitor
 * address} events turned into the intervals a host held a VIP, whether a host holds it now,
 * and which HTTP server answers on it: a fixture of the integration tests.
 */
final class VipEvents {

    private static final Pattern EVENT = Pattern.compile("^\\[([0-9T:.-]+)] (Deleted )?\\d+: (\\S+)\\s+inet ([0-9.]+)/");

    private VipEvents() {
    }

    /**
     * Returns the command line of a real keepalived running VRRP alone in the foreground, its
     * pid files in a directory of the test's.
     *
     * @param conf its keepalived.conf
     * @param dir the test's directory
     * @return the command
     */
    static List<String> keepalived(Path conf, Path dir) {
        return List.of("keepalived", "-f", conf.toString(), "-p", dir.resolve("ka.pid").toString(),
                "-r", dir.resolve("ka-vrrp.pid").toString(), "-c", dir.resolve("ka-checkers.pid").toString(),
                "--dont-fork", "--log-console", "--log-detail", "--vrrp", "--no-syslog", "--dont-respawn");
    }

    /** Starts {@code ip -ts -o monitor address} in the host's namespace, writing to a file. */
    static Process monitor(Host host, Path events) {
        return host.netns().start(new ProcessBuilder("ip", "-ts", "-o", "monitor", "address")
                .redirectErrorStream(true).redirectOutput(events.toFile()));
    }

    /** @return the body of {@code http://VIP/} as the client gets it, or null if it gets none in 1 s */
    static String curl(Host client, String vip) {
        Command.Result r = client.netns().exec(Duration.ofSeconds(5), "curl", "-sf", "--max-time", "1",
                "http://" + vip + "/");
        return r.ok() ? r.stdout().strip() : null;
    }

    /** @return whether the host holds the VIP (as a /24) on its lab interface */
    static boolean holds(Host host, String vip) {
        return host.exec("ip", "-o", "-4", "addr", "show", "dev", host.iface()).stdout().contains(" " + vip + "/24 ");
    }

    /** @return the times (ms since 2000) the VIP was added and deleted, in pairs */
    static List<long[]> intervals(Path events, String vip) throws IOException {
        List<long[]> held = new ArrayList<>();
        LocalDateTime origin = LocalDateTime.of(2000, 1, 1, 0, 0);
        long since = -1;
        for (String line : Files.readAllLines(events)) {
            Matcher m = EVENT.matcher(line);
            if (!m.find() || !m.group(4).equals(vip)) {
                continue;
            }
            LocalDateTime at = LocalDateTime.parse(m.group(1));
            long ms = ChronoUnit.MILLIS.between(origin, at);
            if (m.group(2) == null) {
                since = ms;
            } else if (since >= 0) {
                held.add(new long[] {since, ms});
                since = -1;
            }
        }
        return held;
    }

    /** @return the longest time two hosts' intervals overlap, 0 if never */
    static long overlap(List<long[]> first, List<long[]> second) {
        long overlap = 0;
        for (long[] x : first) {
            for (long[] y : second) {
                overlap = Math.max(overlap, Math.min(x[1], y[1]) - Math.max(x[0], y[0]));
            }
        }
        return Math.max(0, overlap);
    }

    /** @return the intervals' lengths, for the test's output */
    static String describe(List<long[]> held) {
        return held.stream().map(h -> (h[1] - h[0]) + " ms").toList().toString();
    }
}
