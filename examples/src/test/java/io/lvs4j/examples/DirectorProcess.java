package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code ./lvs4j run} as a process in a lab host's namespace, with the command line's other
 * commands ({@code status}, {@code edit}, {@code reload}) run beside it and its admin endpoint
 * read over loopback: a fixture of the integration tests.
 */
final class DirectorProcess implements AutoCloseable {

    static final String ADMIN = "127.0.0.1:9180";

    private final Host host;
    private final Path log;
    private final Process process;
    private Integer exit;

    private DirectorProcess(Host host, Path log, Process process) {
        this.host = host;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts a director and waits until its admin endpoint answers.
     *
     * @param host the director's host
     * @param config the keepalived.conf
     * @param options more options of {@code run}
     * @return the running director
     */
    static DirectorProcess start(Host host, Path config, String... options) throws IOException {
        Path log = Files.createTempFile("lvs4j-run-", ".log");
        List<String> more = new ArrayList<>(List.of("--interface", host.iface()));
        more.addAll(List.of(options));
        List<String> command = command("256m", config, more.toArray(String[]::new));
        Process process = host.netns().start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()));
        DirectorProcess d = new DirectorProcess(host, log, process);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || d.admin("/status").ok());
        if (!process.isAlive()) {
            throw new IllegalStateException("the director did not start:\n" + d.log());
        }
        return d;
    }

    /**
     * Returns the command line of {@code ./lvs4j run} in a JVM of this test's class path; its
     * tables stay in memory ({@code --table-dir none}) unless the options say where to keep them.
     *
     * @param heap the JVM's maximum heap, such as {@code 256m}
     * @param config the keepalived.conf
     * @param options more options of {@code run}
     * @return the command
     */
    static List<String> command(String heap, Path config, String... options) {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap,
                "-cp", System.getProperty("java.class.path"), Lvs4j.class.getName(), "run", "--config",
                config.toString()));
        command.addAll(List.of(options));
        if (!command.contains("--table-dir")) {
            command.addAll(List.of("--table-dir", "none")); // a test that keeps tables says where
        }
        return command;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
    }

    /** @return the process id */
    long pid() {
        return process.pid();
    }

    /** @return whether the director still runs */
    boolean alive() {
        return process.isAlive();
    }

    /** Runs {@code ./lvs4j ARGS} in the director's namespace (not checked). */
    Command.Result cli(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Lvs4j.class.getName()));
        command.addAll(List.of(args));
        return host.netns().exec(Duration.ofSeconds(60), command.toArray(String[]::new));
    }

    /** GETs a path of the admin endpoint with curl (not checked). */
    Command.Result admin(String path) {
        return host.netns().exec(Duration.ofSeconds(10), "curl", "-sf", "--max-time", "5", "http://" + ADMIN + path);
    }

    /** @return the director's status as its admin endpoint serves it */
    DirectorStatus status() throws IOException {
        return AdminJson.mapper().readValue(admin("/status").check().stdout(), DirectorStatus.class);
    }

    /** @return reloads attempted so far, as {@code GET /reload} tells */
    long reloads() throws IOException {
        return AdminJson.mapper().readTree(admin("/reload").check().stdout()).get("generation").asLong();
    }

    /** Sends SIGHUP and waits until the director has made its reload attempt. */
    void sighup() throws IOException {
        long before = reloads();
        Command.run("kill", "-HUP", String.valueOf(pid())).check();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> reloads() > before);
    }

    /** @return the director's log so far */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the director with SIGKILL, as a crash would end it, and waits until it is gone. */
    void kill() throws InterruptedException {
        if (exit == null) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the director survived SIGKILL");
            }
            exit = process.exitValue();
        }
    }

    /**
     * Stops the director with SIGTERM.
     *
     * @return its exit code
     */
    int stop() throws InterruptedException {
        if (exit == null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                exit = -1;
            } else {
                exit = process.exitValue();
            }
        }
        return exit;
    }

    @Override
    public void close() throws Exception {
        stop();
        System.out.println("---- director log ----\n" + log());
    }
}
