package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.lab.Netns;
import io.lvs4j.lab.Poll;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./lvs4j lab [--keep]}: the classic LVS + Keepalived experiment on one machine, as
 * root. Network namespaces for a client, two directors LVS1 (.8) and LVS2 (.9) and two real
 * servers nginx1 (.11) and nginx2 (.12) on a bridge in 198.18.0.0/24, VIP 198.18.0.10; both
 * directors run as child processes ({@code lvs4j run}) from the shipped keepalived configs.
 * Step by step: LVS1 becomes MASTER; curl from the client alternates nginx2, nginx1; LVS1's
 * eth0 goes down and LVS2 takes over while curl still answers; LVS2's table shows InActConn
 * grown; LVS1 comes back and preempts. Everything is torn down at the end, on failure and on
 * Ctrl-C; the exit code is 0 only if every step held.
 *
 * <p>{@code ./lvs4j lab down} stops a lab left up by {@code --keep} and removes namespaces of
 * earlier labs.
 */
@picocli.CommandLine.Command(name = "lab", mixinStandardHelpOptions = true,
        subcommands = LabDown.class,
        description = {"Runs the classic LVS-DR + Keepalived failover lab in network namespaces (as root).",
            "Client, LVS1 (.8), LVS2 (.9), nginx1 (.11), nginx2 (.12) on a bridge, VIP 198.18.0.10.",
            "Exit code 0 only if every step held."})
public final class LabCommand implements Callable<Integer> {

    static final String PREFIX = "198.18.0.";
    static final String VIP = PREFIX + "10";
    private static final String IFACE = "eth0";
    /** A VRRP transition as the director logs it, in keepalived's words. */
    private static final Pattern STATE = Pattern.compile("VRRP_Instance\\((\\S+)\\) Entering (\\S+) STATE");
    private static final Pattern ROW = Pattern.compile(
            "^\\s+-> (\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    @Spec
    private CommandSpec spec;

    @Option(names = "--keep", description = "Leave the lab up after the steps (this process waits until"
            + " Ctrl-C or `lvs4j lab down`).")
    private boolean keep;

    @Option(names = "--timeline", paramLabel = "FILE", defaultValue = "lvs4j-lab-timeline.svg",
            description = "Where to write the timeline picture (SVG) of the directors' VRRP states and the client's"
                    + " requests, default ${DEFAULT-VALUE}.")
    private Path timelineFile;

    @Option(names = "--conf-dir", paramLabel = "DIR",
            description = "Where keepalived-lvs1.conf and keepalived-lvs2.conf are; default: the shipped examples/conf.")
    private Path confDir;

    private PrintWriter out;
    private final List<Netns> namespaces = new ArrayList<>();
    private final List<NamedHttpServer> webServers = new ArrayList<>();
    private final Map<String, Process> directors = new LinkedHashMap<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final java.util.Set<String> stopped = new java.util.HashSet<>();
    private int step;
    private LabTimeline timeline = new LabTimeline(System::nanoTime, LocalTime.now());

    /** Creates the command; picocli fills its fields. */
    public LabCommand() {
    }

    /** A step did not hold. */
    private static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    /**
     * Builds the lab, runs the steps and tears it down.
     *
     * @return 0 if every step held, 1 otherwise
     */
    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        String missing = missing();
        if (missing != null) {
            spec.commandLine().getErr().println("lab: " + missing);
            spec.commandLine().getErr().flush();
            return 1;
        }
        Path conf = confDir != null ? confDir : defaultConfDir();
        String tag = "lab" + Netns.randomTag();
        Path state = stateFile();
        Thread hook = new Thread(this::tearDown, "lvs4j-lab-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path logDir = Files.createTempDirectory("lvs4j-lab-");
        timeline = new LabTimeline(System::nanoTime, LocalTime.now());
        boolean ok = false;
        try {
            Files.writeString(state, tag + " " + ProcessHandle.current().pid() + "\n");
            Map<String, Host> hosts = build(tag);
            startWebServers(hosts);
            startDirectors(hosts, conf, logDir);
            runSteps(hosts);
            ok = true;
            say("every step held");
            if (keep) {
                startDirector("lvs1", hosts.get("lvs1"), conf);
                keepUp(hosts, tag);
            }
            return 0;
        } catch (StepFailed e) {
            out.println("FAILED at step " + step + ": " + e.getMessage());
            for (Map.Entry<String, Path> log : logs.entrySet()) {
                out.println("---- " + log.getKey() + " log (" + log.getValue() + "), last lines:");
                List<String> lines = Files.readAllLines(log.getValue());
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(out::println);
            }
            return 1;
        } finally {
            out.flush();
            tearDown();
            writeTimeline();
            Files.deleteIfExists(state);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway; tearing down twice is harmless
            }
            if (ok) {
                for (Path p : logs.values()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(logDir);
            }
        }
    }

    private static String missing() {
        if (!"root".equals(System.getProperty("user.name")) && !isRoot()) {
            return "must run as root (it creates network namespaces)";
        }
        for (String program : List.of("ip", "curl", "sysctl")) {
            if (!Command.onPath(program)) {
                return "needs `" + program + "` on the PATH";
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Command.run("id", "-u").stdout().strip());
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Path stateFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lvs4j-lab.state");
    }

    private static Path defaultConfDir() throws URISyntaxException {
        Path code = Path.of(LabCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // examples/target/lvs4j-examples.jar or examples/target/classes -> examples/conf
        Path conf = code.getParent().getParent().resolve("conf");
        if (Files.isRegularFile(conf.resolve("keepalived-lvs1.conf"))) {
            return conf;
        }
        return Path.of("examples", "conf");
    }

    private void say(String text) {
        out.println("[lab] " + text);
        out.flush();
    }

    private void writeTimeline() {
        for (Map.Entry<String, Path> log : logs.entrySet()) {
            timeline.directorLog(log.getKey().toUpperCase(java.util.Locale.ROOT), log(log.getKey()));
        }
        try {
            Files.writeString(timelineFile, TimelineSvg.render(timeline.data()));
            say("timeline of this run: " + timelineFile.toAbsolutePath());
        } catch (IOException e) {
            say("cannot write the timeline " + timelineFile + ": " + e.getMessage());
        }
    }

    private void begin(String text) {
        step++;
        timeline.step(step, text);
        out.println();
        out.println("== step " + step + ": " + text);
        out.flush();
    }

    private Map<String, Host> build(String tag) {
        begin("namespaces: client (.1), LVS1 (.8), LVS2 (.9), nginx1 (.11), nginx2 (.12) on a bridge");
        Netns bridgeNs = Netns.create("br", tag);
        namespaces.add(bridgeNs);
        String bridge = "br-" + tag;
        bridgeNs.exec("ip", "link", "add", bridge, "type", "bridge").check();
        bridgeNs.exec("ip", "link", "set", bridge, "up").check();
        bridgeNs.exec("sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=0");
        Map<String, Host> hosts = new LinkedHashMap<>();
        String[][] plan = {{"client", "1"}, {"lvs1", "8"}, {"lvs2", "9"}, {"nginx1", "11"}, {"nginx2", "12"}};
        int n = 0;
        for (String[] p : plan) {
            n++;
            Netns ns = Netns.create(p[0], tag);
            namespaces.add(ns);
            String port = "v" + tag + "-" + n;
            String ip = PREFIX + p[1];
            bridgeNs.exec("ip", "link", "add", port, "type", "veth", "peer", "name", IFACE, "netns", ns.name())
                    .check();
            bridgeNs.exec("ip", "link", "set", port, "master", bridge).check();
            bridgeNs.exec("ip", "link", "set", port, "up").check();
            ns.exec("ip", "addr", "add", ip + "/24", "dev", IFACE).check();
            ns.exec("ip", "link", "set", IFACE, "up").check();
            hosts.put(p[0], new Host(p[0], ns, IFACE, ip));
            say(String.format("%-7s %-14s namespace %s", p[0], ip, ns.name()));
        }
        return hosts;
    }

    private void startWebServers(Map<String, Host> hosts) throws Exception {
        begin("real servers: VIP " + VIP + " on lo, arp_ignore=1, arp_announce=2, an HTTP server answering its name");
        for (String name : List.of("nginx1", "nginx2")) {
            Host h = hosts.get(name);
            h.holdVipOnLoopback(VIP);
            NamedHttpServer server = NamedHttpServer.start(h, name, 80);
            webServers.add(server);
            say(name + ": " + server.kind() + " listening on " + h.ip() + ":80 and " + VIP + ":80");
        }
    }

    private void startDirectors(Map<String, Host> hosts, Path conf, Path logDir) {
        begin("directors: `lvs4j run` from keepalived-lvs1.conf and keepalived-lvs2.conf in LVS1 and LVS2");
        for (String name : List.of("lvs1", "lvs2")) {
            logs.put(name, logDir.resolve(name + ".log"));
            startDirector(name, hosts.get(name), conf);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void startDirector(String name, Host host, Path conf) {
        String java = java();
        Path config = conf.resolve("keepalived-" + name + ".conf");
        if (!Files.isRegularFile(config)) {
            throw new UncheckedIOException(new IOException("no " + config));
        }
        Path log = logs.get(name);
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Lvs4j.class.getName(), "run", "--config", config.toAbsolutePath().toString(),
                "--interface", IFACE, "--table-dir", "none").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        directors.put(name, host.netns().start(pb));
        stopped.remove(name);
        say(name.toUpperCase() + ": " + String.join(" ", "ip netns exec", host.netns().name(),
                "lvs4j run --config", config.getFileName().toString(), "--interface", IFACE, "--table-dir none")
                + " (log " + log + ")");
    }

    private void runSteps(Map<String, Host> hosts) throws Exception {
        Netns client = hosts.get("client").netns();
        begin("who is MASTER? (keepalived: state MASTER still starts as BACKUP, ~3 adverts)");
        long t0 = System.nanoTime();
        waitFor("LVS1 MASTER and LVS2 BACKUP", Duration.ofSeconds(30),
                () -> "MASTER".equals(state("lvs1")) && "BACKUP".equals(state("lvs2")));
        say(String.format("LVS1 is MASTER, LVS2 is BACKUP (%.1f s after start)", seconds(t0)));

        begin("curl http://" + VIP + "/ from the client, round robin by direct routing");
        waitFor("LVS1's table lists both real servers", Duration.ofSeconds(15),
                () -> rows("lvs1").size() == 2);
        List<String> answers = curlTimes(client, 6);
        checkAlternation(answers);
        say("answers alternate: " + String.join(", ", answers));

        begin("take LVS1's eth0 down");
        hosts.get("lvs1").exec("ip", "link", "set", IFACE, "down").check();
        long down = System.nanoTime();
        timeline.mark("LVS1 eth0 down");
        say("LVS1: ip link set eth0 down");
        double takeover;
        try (Probe _ = probe(client)) {
            waitFor("LVS2 MASTER", Duration.ofSeconds(20), () -> "MASTER".equals(state("lvs2")));
            takeover = seconds(down);
            say(String.format("LVS2 is MASTER %.2f s after the link went down", takeover));
            waitFor("the client served through LVS2", Duration.ofSeconds(20), () -> curl(client, 1) != null);
        }
        double served = seconds(down);
        say(String.format("failover time: %.2f s from link down to the first answer through LVS2", served));

        begin("curl still answers, through LVS2");
        List<String> after = curlTimes(client, 6);
        checkAlternation(after);
        say("answers alternate: " + String.join(", ", after));

        begin("LVS2's table: InActConn grown (the closed connections, as `ipvsadm -Ln` shows)");
        waitFor("LVS2's table with InActConn > 0 on both servers", Duration.ofSeconds(10), () -> {
            List<long[]> rows = rows("lvs2");
            return rows.size() == 2 && rows.stream().allMatch(r -> r[2] > 0);
        });
        Command.Result status = hosts.get("lvs2").netns().exec(Duration.ofSeconds(30), java(), "-cp",
                System.getProperty("java.class.path"), Lvs4j.class.getName(), "status");
        if (!status.ok()) {
            throw new StepFailed("`lvs4j status` in LVS2 failed: " + status.stdout() + status.stderr());
        }
        say("LVS2 # lvs4j status");
        status.stdout().lines().forEach(line -> say("LVS2 | " + line));

        begin("bring LVS1's eth0 back: LVS1 (priority 100) preempts LVS2 (priority 90)");
        hosts.get("lvs1").exec("ip", "link", "set", IFACE, "up").check();
        long up = System.nanoTime();
        timeline.mark("LVS1 eth0 up");
        say("LVS1: ip link set eth0 up");
        try (Probe _ = probe(client)) {
            waitFor("LVS1 MASTER and LVS2 BACKUP again", Duration.ofSeconds(20),
                    () -> "MASTER".equals(state("lvs1")) && "BACKUP".equals(state("lvs2")));
            say(String.format("LVS1 is MASTER again %.2f s after its link came back; LVS2 is BACKUP", seconds(up)));
            waitFor("the client served through LVS1", Duration.ofSeconds(20), () -> curl(client, 1) != null);
        }
        // While its link was down, LVS1's TCP_CHECKs could not reach the real servers; a link down
        // for longer than retry x delay_before_retry (9 s here, easily reached on a loaded host)
        // takes them out, as keepalived's would. The first good check after delay_loop puts them back.
        if (rows("lvs1").size() != 2) {
            say("LVS1's checks took a real server out while its link was down; waiting for the next good check");
            waitFor("LVS1's table lists both real servers again", Duration.ofSeconds(30),
                    () -> rows("lvs1").size() == 2);
        }
        List<String> back = curlTimes(client, 4);
        checkAlternation(back);
        say("answers alternate: " + String.join(", ", back));

        begin("stop LVS1 cleanly (SIGTERM): it sends a priority-0 advert and releases the VIP; LVS2 takes over at once");
        Process lvs1 = directors.get("lvs1");
        long stop = System.nanoTime();
        timeline.mark("LVS1 SIGTERM");
        stopped.add("lvs1");
        double cleanTakeover;
        try (Probe _ = probe(client)) {
            lvs1.destroy();
            waitForExit(lvs1);
            waitFor("LVS2 MASTER after LVS1's clean stop", Duration.ofSeconds(20),
                    () -> "MASTER".equals(state("lvs2")));
            cleanTakeover = seconds(stop);
        }
        String lvs1Log = log("lvs1");
        if (!"MASTER".equals(state("lvs1")) || !lvs1Log.substring(lvs1Log.lastIndexOf("Entering MASTER STATE"))
                .contains("VRRP_Instance(VI_1) Stopped")) {
            throw new StepFailed("LVS1 did not leave MASTER on SIGTERM");
        }
        if (lvs1.exitValue() != 0) {
            throw new StepFailed("LVS1 exited with " + lvs1.exitValue() + " after a clean SIGTERM, not 0");
        }
        say(String.format("LVS1 exited with %d; LVS2 is MASTER %.2f s after the SIGTERM", lvs1.exitValue(),
                cleanTakeover));
        waitFor("the client served through LVS2", Duration.ofSeconds(20), () -> curl(client, 1) != null);
        say(String.format("client served again %.2f s after the SIGTERM", seconds(stop)));

        begin("summary");
        say(String.format("failover on link down: LVS2 MASTER after %.2f s, client served again after %.2f s",
                takeover, served));
        say(String.format("failover on clean stop: LVS2 MASTER after %.2f s", cleanTakeover));
    }

    private void keepUp(Map<String, Host> hosts, String tag) throws InterruptedException {
        out.println();
        say("--keep: the lab stays up. Try:");
        say("  ip netns exec " + hosts.get("client").netns().name() + " curl http://" + VIP + "/");
        say("  tail -f " + logs.get("lvs1") + "   (LVS1's log: VRRP states and the table)");
        say("  ip netns exec " + hosts.get("lvs1").netns().name() + " ip link set eth0 down");
        say("Stop with Ctrl-C or `./lvs4j lab down` (lab " + tag + ", pid " + ProcessHandle.current().pid() + ").");
        new CountDownLatch(1).await();
    }

    private static void waitForExit(Process p) throws StepFailed {
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                throw new StepFailed("LVS1 did not exit within 15 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted");
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private void waitFor(String what, Duration atMost, java.util.concurrent.Callable<Boolean> condition)
            throws StepFailed {
        long start = System.nanoTime();
        long[] reported = {0};
        boolean held;
        try {
            held = Poll.until(atMost, Duration.ofMillis(100), () -> {
                for (Map.Entry<String, Process> d : directors.entrySet()) {
                    if (!d.getValue().isAlive() && !stopped.contains(d.getKey())) {
                        return true;
                    }
                }
                long waited = (System.nanoTime() - start) / 1_000_000_000L;
                if (waited >= reported[0] + 2) {
                    reported[0] = waited;
                    say("  waiting for " + what + " (" + waited + " s of at most " + atMost.toSeconds() + " s)");
                }
                return condition.call();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted while waiting for " + what);
        }
        if (!held) {
            throw new StepFailed(what + ": not within " + atMost.toSeconds() + " s (LVS1 " + state("lvs1")
                    + ", LVS2 " + state("lvs2") + ")");
        }
        for (Map.Entry<String, Process> d : directors.entrySet()) {
            if (!d.getValue().isAlive() && !stopped.contains(d.getKey())) {
                throw new StepFailed(d.getKey() + " exited with " + d.getValue().exitValue());
            }
        }
    }

    private String curl(Netns client, int timeoutSeconds) {
        Command.Result r = client.exec(Duration.ofSeconds(timeoutSeconds + 5L), "curl", "-s", "-m",
                String.valueOf(timeoutSeconds), "http://" + VIP + "/");
        String answer = r.ok() ? r.stdout().strip() : null;
        timeline.request(answer);
        return answer;
    }

    /**
     * Starts asking the VIP from the client four times a second (at most 120 times), so that the
     * timeline shows the requests that fail across a failover; close it to stop.
     */
    private Probe probe(Netns client) {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread prober = Thread.ofVirtual().name("lvs4j-lab-probe").start(() -> {
            for (int i = 0; i < 120 && !stop.get(); i++) {
                curl(client, 1);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return () -> {
            stop.set(true);
            try {
                prober.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Requests from the client in the background, until closed. */
    private interface Probe extends AutoCloseable {
        @Override
        void close();
    }

    private List<String> curlTimes(Netns client, int n) throws StepFailed {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String a = curl(client, 2);
            if (a == null) {
                throw new StepFailed("curl " + (i + 1) + " of " + n + " got no answer (after " + answers + ")");
            }
            answers.add(a);
        }
        return answers;
    }

    private static void checkAlternation(List<String> answers) throws StepFailed {
        for (int i = 0; i < answers.size(); i++) {
            String a = answers.get(i);
            if (!a.equals("nginx1") && !a.equals("nginx2")) {
                throw new StepFailed("unexpected answer " + a);
            }
            if (i > 0 && a.equals(answers.get(i - 1))) {
                throw new StepFailed("round robin does not alternate: " + answers);
            }
        }
    }

    private String log(String director) {
        try {
            return Files.readString(logs.get(director));
        } catch (IOException e) {
            return "";
        }
    }

    /** @return the last VRRP state the director logged, or INIT */
    private String state(String director) {
        Matcher m = STATE.matcher(log(director));
        String last = "INIT";
        while (m.find()) {
            last = m.group(2);
        }
        return last;
    }

    /** @return the last table's rows as {weight, active, inactive} */
    private List<long[]> rows(String director) {
        return tableRows(log(director));
    }

    /**
     * Reads the rows of the last table a director logged ({@link RunCommand#table}).
     *
     * @param log the director's log
     * @return the rows as {weight, active, inactive}, in the table's order
     */
    static List<long[]> tableRows(String log) {
        List<long[]> rows = new ArrayList<>();
        int at = log.lastIndexOf(RunCommand.TABLE_HEADER);
        if (at < 0) {
            return rows;
        }
        boolean first = true;
        for (String line : log.substring(at).split("\\R")) {
            if (!first && line.startsWith("[") || line.matches("^\\d\\d:\\d\\d.*")) {
                break;
            }
            first = false;
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4))});
            }
        }
        return rows;
    }

    private synchronized void tearDown() {
        if (directors.isEmpty() && webServers.isEmpty() && namespaces.isEmpty()) {
            return;
        }
        say("tearing down");
        for (Process p : directors.values()) {
            p.destroy(); // SIGTERM: the director sends its priority-0 advert and releases the VIP
        }
        for (Process p : directors.values()) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        directors.clear();
        webServers.forEach(NamedHttpServer::close);
        webServers.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            namespaces.get(i).close();
        }
        namespaces.clear();
    }
}
