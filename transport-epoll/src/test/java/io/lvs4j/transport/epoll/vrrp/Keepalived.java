package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.lab.Host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real keepalived (VRRP only) running in a lab host's namespace with its own configuration,
 * pid files and console log in a directory of the test; stopped with SIGTERM (priority-0 advert)
 * on {@link #close()}. Its {@code notify_master} touches a file, so that a test reads the moment
 * keepalived became master from keepalived itself ({@link #becameMasterAt()}) rather than from
 * how soon it polls the interface's addresses.
 */
final class Keepalived implements AutoCloseable {

    /** What {@code notify_master} runs: coreutils' touch, in /usr/bin (or /bin before usrmerge). */
    private static final String TOUCH = Files.isExecutable(Path.of("/usr/bin/touch")) ? "/usr/bin/touch" : "/bin/touch";

    /** How an instance is configured on both sides of a test. */
    record Setup(int version, boolean passAuth, int advertCentis, boolean unicast) {
        String label() {
            return "v" + version + (passAuth ? " PASS" : "") + (unicast ? " unicast" : "") + " advert "
                    + advertCentis / 100.0 + " s";
        }
    }

    private final Host host;
    private final Path log;
    private final Path masterNotice;
    private final Process process;

    private Keepalived(Host host, Path log, Path masterNotice, Process process) {
        this.host = host;
        this.log = log;
        this.masterNotice = masterNotice;
        this.process = process;
    }

    /**
     * Starts keepalived with one instance.
     *
     * @param host where
     * @param dir the test's temporary directory
     * @param setup version, authentication, interval, unicast
     * @param vrid the virtual router id
     * @param priority the priority (the instance says {@code state MASTER} when it is 100 or more)
     * @param vip the virtual address
     * @param peers the unicast peers (used when the setup is unicast)
     */
    static Keepalived start(Host host, Path dir, Setup setup, int vrid, int priority, String vip, List<String> peers) {
        String name = host.role() + "-" + vrid;
        StringBuilder conf = new StringBuilder();
        Path masterNotice = dir.resolve(name + ".master");
        conf.append("global_defs {\n  router_id ").append(name).append("\n  vrrp_version ").append(setup.version())
                .append("\n  script_user root\n  enable_script_security\n}\n");
        conf.append("vrrp_instance VI_").append(vrid).append(" {\n")
                .append("  state ").append(priority >= 100 ? "MASTER" : "BACKUP").append('\n')
                .append("  interface ").append(host.iface()).append('\n')
                .append("  virtual_router_id ").append(vrid).append('\n')
                .append("  priority ").append(priority).append('\n')
                .append("  advert_int ").append(setup.advertCentis() % 100 == 0 ? String.valueOf(setup.advertCentis() / 100)
                        : String.valueOf(setup.advertCentis() / 100.0)).append('\n')
                .append("  notify_master \"").append(TOUCH).append(' ').append(masterNotice).append("\"\n");
        if (setup.passAuth()) {
            conf.append("  authentication {\n    auth_type PASS\n    auth_pass 1111\n  }\n");
        }
        if (setup.unicast()) {
            conf.append("  unicast_src_ip ").append(host.ip()).append("\n  unicast_peer {\n");
            peers.forEach(p -> conf.append("    ").append(p).append('\n'));
            conf.append("  }\n");
        }
        conf.append("  virtual_ipaddress {\n    ").append(vip).append(vip.contains(":") ? "/64 dev " : "/24 dev ")
                .append(host.iface()).append("\n  }\n}\n");
        try {
            Path file = dir.resolve(name + ".conf");
            Files.writeString(file, conf);
            Path log = dir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder("keepalived", "-f", file.toString(),
                    "-p", dir.resolve(name + ".pid").toString(), "-r", dir.resolve(name + "-vrrp.pid").toString(),
                    "-c", dir.resolve(name + "-checkers.pid").toString(),
                    "--dont-fork", "--log-console", "--log-detail", "--vrrp", "--no-syslog", "--dont-respawn")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            return new Keepalived(host, log, masterNotice, host.netns().start(pb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param vip the virtual address @return whether keepalived has put it on its interface */
    boolean holds(String vip) {
        return host.exec("ip", "-o", "addr", "show", "dev", host.iface()).stdout().contains(" " + vip + "/");
    }

    /** Forgets an earlier mastership, so that {@link #becameMasterAt()} tells of the next one only. */
    void forgetMastership() {
        try {
            Files.deleteIfExists(masterNotice);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return when keepalived last became master (its {@code notify_master} ran; the file
     *     system's clock, a few milliseconds coarse), empty if it has not since
     *     {@link #forgetMastership()}
     */
    Optional<Instant> becameMasterAt() {
        try {
            return Optional.of(Files.getLastModifiedTime(masterNotice).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the process still runs */
    boolean alive() {
        return process.isAlive();
    }

    /** @return what keepalived logged so far */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
