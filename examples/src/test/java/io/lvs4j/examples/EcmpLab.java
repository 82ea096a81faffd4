package io.lvs4j.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.testkit.FrrRouter;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.Netns;
import io.lvs4j.lab.NginxServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scale-out behind ECMP in namespaces: a client in its own network behind a router running FRR,
 * and on the lab's bridge the router, N directors each running {@code ./lvs4j run} with
 * {@code bgp_announce} (its own FRR as its child) and M nginx real servers holding the VIP on
 * {@code lo} (DR). The VIP is in no network of the lab: the router reaches it only by the routes
 * the directors announce, spread by its L4 multipath hash. Everything it starts is stopped and
 * every namespace deleted on {@link #close()}, also after a failure.
 */
final class EcmpLab implements AutoCloseable {

    static final String VIP = "198.18.2.10";
    static final String CLIENT = "198.18.1.2";
    private static final String CLIENT_GATEWAY = "198.18.1.1";
    static final long ROUTER_AS = 65000;
    static final long DIRECTOR_AS = 65001;
    static final int HOLD_SECONDS = 3;
    private static final String ADMIN = "127.0.0.1:9180";

    private final Lab lab;
    private final Netns client;
    private final FrrRouter router;
    private final List<NginxServer> servers = new ArrayList<>();
    private final Path work;
    private final Process[] directors;
    private final int serverCount;

    EcmpLab(int directorCount, int serverCount, byte[] blob) throws IOException {
        this.serverCount = serverCount;
        Lab.Builder b = Lab.builder().host("router");
        for (int i = 1; i <= directorCount; i++) {
            b.host("d" + i);
        }
        for (int i = 1; i <= serverCount; i++) {
            b.host("rs" + i);
        }
        lab = b.build();
        directors = new Process[directorCount];
        Netns clientNs = null;
        FrrRouter frr = null;
        try {
            work = Files.createTempDirectory("lvs4j-ecmp-");
            clientNs = Netns.create("cl", lab.tag());
            Host r = lab.host("router");
            String port = "cl-" + lab.tag();
            r.exec("ip", "link", "add", port, "type", "veth", "peer", "name", "eth-" + lab.tag(), "netns",
                    clientNs.name()).check();
            r.exec("ip", "addr", "add", CLIENT_GATEWAY + "/24", "dev", port).check();
            r.exec("ip", "link", "set", port, "up").check();
            clientNs.exec("ip", "addr", "add", CLIENT + "/24", "dev", "eth-" + lab.tag()).check();
            clientNs.exec("ip", "link", "set", "eth-" + lab.tag(), "up").check();
            clientNs.exec("ip", "route", "add", "default", "via", CLIENT_GATEWAY).check();
            frr = FrrRouter.start(r.netns(), FrrRouter.bgpdConfig(ROUTER_AS, r.ip(), DIRECTOR_AS, HOLD_SECONDS,
                    List.of(Lab.PREFIX + "0/" + Lab.PREFIX_LENGTH)));
            for (int i = 1; i <= serverCount; i++) {
                Host rs = lab.host("rs" + i);
                rs.holdVipOnLoopback(VIP);
                rs.exec("ip", "route", "add", "default", "via", r.ip()).check();
                NginxServer nginx = NginxServer.start(rs, "nginx" + i, 80);
                servers.add(nginx);
                Files.write(nginx.files().resolve("blob"), blob);
            }
        } catch (IOException | RuntimeException e) {
            if (frr != null) {
                frr.close();
            }
            if (clientNs != null) {
                clientNs.close();
            }
            servers.forEach(NginxServer::close);
            lab.close();
            throw e;
        }
        client = clientNs;
        router = frr;
    }

    Netns client() {
        return client;
    }

    FrrRouter router() {
        return router;
    }

    Host director(int i) {
        return lab.host("d" + i);
    }

    int directors() {
        return directors.length;
    }

    /** @return the router's next hops for the VIP: the directors that announce it */
    List<String> nextHops() {
        return router.nextHops(VIP);
    }

    /** @return the directory of director i's BGP daemons */
    Path runDir(int i) {
        return work.resolve("d" + i + "-bgp");
    }

    String config(int i) {
        StringBuilder s = new StringBuilder("""
                virtual_server %s 80 {
                    delay_loop 1
                    lb_algo mh
                    mh-port
                    lb_kind DR
                    protocol TCP
                """.formatted(VIP));
        for (int k = 1; k <= serverCount; k++) {
            s.append("""
                        real_server %s 80 {
                            weight 1
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    """.formatted(lab.host("rs" + k).ip()));
        }
        s.append("}\n").append("""
                bgp_announce {
                    local_as %d
                    neighbor %s remote_as %d
                    hold_time %d
                    check_interval 0.1
                    run_dir %s
                }
                """.formatted(DIRECTOR_AS, lab.host("router").ip(), ROUTER_AS, HOLD_SECONDS, runDir(i)));
        return s.toString();
    }

    /**
     * Starts director i's {@code ./lvs4j run} (its log appended to {@code d<i>.log}).
     *
     * @param i from 1
     * @return the JVM's process ({@code ip netns exec} execs it)
     */
    Process startDirector(int i) throws IOException {
        Path conf = work.resolve("d" + i + ".conf");
        Files.writeString(conf, config(i));
        Host d = director(i);
        directors[i - 1] = d.netns().start(new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED",
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Lvs4j.class.getName(), "run", "--config", conf.toString(), "--interface", d.iface(), "--table-dir", "none")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        work.resolve("d" + i + ".log").toFile())));
        return directors[i - 1];
    }

    /** Kills director i's JVM with SIGKILL, as {@code kill -9} does. */
    void kill9(int i) throws InterruptedException {
        Process p = directors[i - 1];
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** @return the pids in director i's BGP pid files */
    List<Long> daemonPids(int i) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String name : List.of("zebra.pid", "bgpd.pid")) {
            Path f = runDir(i).resolve(name);
            if (Files.exists(f)) {
                pids.add(Long.parseLong(Files.readString(f).strip()));
            }
        }
        return pids;
    }

    DirectorStatus status(int i) throws IOException {
        return AdminJson.mapper().readValue(admin(i, "/status"), DirectorStatus.class);
    }

    List<ConnectionEntry> connections(int i) throws IOException {
        return AdminJson.mapper().readValue(admin(i, "/connections"), new TypeReference<List<ConnectionEntry>>() { });
    }

    /** @return whether director i's admin endpoint answers (it opens after the director starts and announces) */
    boolean adminUp(int i) {
        return director(i).netns().exec(Duration.ofSeconds(10), "curl", "-sf", "--max-time", "2",
                "http://" + ADMIN + "/status").ok();
    }

    private String admin(int i, String path) {
        return director(i).netns().exec(Duration.ofSeconds(10), "curl", "-s", "--max-time", "5",
                "http://" + ADMIN + path).check().stdout();
    }

    /** Runs {@code ./lvs4j ARGS} in director i's namespace. */
    Command.Result cli(int i, String... args) {
        List<String> line = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Lvs4j.class.getName()));
        line.addAll(List.of(args));
        return director(i).netns().exec(Duration.ofSeconds(30), line.toArray(String[]::new));
    }

    String log(int i) {
        try {
            Path log = work.resolve("d" + i + ".log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
    }

    /** Stops the directors (SIGTERM: they withdraw and stop their daemons), the servers, the router, the namespaces. */
    @Override
    public void close() {
        for (Process p : directors) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        servers.forEach(NginxServer::close);
        router.close();
        client.close();
        lab.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
