package io.lvs4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/install-packages}, which {@code ./run-tests} and {@code ./lvs4j lab} run as root,
 * leaves the host's services alone: it never stops, restarts or kills one, and keeps the daemons
 * of the packages it installs from starting. Run against stubs of {@code apt-get},
 * {@code systemctl}, {@code id} (as if root) and the other programs it calls, with a temporary
 * directory as its file system root ({@code LVS4J_INSTALL_ROOT}: its {@code policy-rc.d} goes there), while two processes named {@code nginx} and
 * {@code keepalived} run as a host's own would; real {@code pkill} and {@code killall} are on its
 * path, so a regression would really kill them.
 */
class InstallPackagesTest {

    private static final Path SCRIPT = Path.of("../scripts/install-packages");
    /** A command that would stop, restart or kill a service or a process. */
    private static final Pattern STOPS = Pattern.compile("\\b(pkill|killall|kill|start-stop-daemon)\\b"
            + "|\\bsystemctl\\b[^\\n]*\\b(stop|kill|restart|try-restart|reload-or-restart|isolate|mask)\\b"
            + "|\\b(service|invoke-rc\\.d)\\b[^\\n]*\\b(stop|restart|force-reload)\\b");

    @TempDir
    Path dir;

    @Test
    void shouldContainNoCommandThatStopsRestartsOrKillsAService() throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(SCRIPT)) {
            String code = line.replaceAll("(^|\\s)#.*", "");
            Matcher m = STOPS.matcher(code);
            if (m.find()) {
                found.add(line.strip());
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void shouldKeepTheDaemonsItInstallsFromStartingAndLeaveRunningServicesAlone() throws Exception {
        Path policy = policy();
        List<Process> services = startDecoys();
        try {
            Run run = run(policy, Map.of());
            assertEquals(0, run.exit(), run.output());
            for (Process p : services) {
                assertTrue(p.isAlive(), "a running " + p.info().command().orElse("?") + " was stopped");
            }
            List<String> log = run.log();
            assertTrue(log.contains("apt-get install: policy 101"), "every start forbidden during the install: " + log);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("apt-get install") && l.contains(" nginx")
                    && l.contains(" keepalived") && l.contains(" frr")), log.toString());
            assertEquals(List.of("systemctl disable --quiet frr.service", "systemctl disable --quiet keepalived.service",
                    "systemctl disable --quiet nginx.service", "systemctl disable --quiet prometheus.service"),
                    log.stream().filter(l -> l.startsWith("systemctl")).sorted().toList(),
                    "only the units of the packages it installed, disabled, never stopped");
            assertFalse(Files.exists(policy), "its policy-rc.d is removed afterwards");
        } finally {
            services.forEach(Process::destroy);
        }
    }

    @Test
    void shouldRemoveItsPolicyWhenTheInstallFails() throws Exception {
        Path policy = policy();
        Run run = run(policy, Map.of("APT_FAIL", "1"));
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.log().contains("apt-get install: policy 101"), run.log().toString());
        assertFalse(Files.exists(policy), "its policy-rc.d is removed on failure too");
        assertEquals(List.of(), run.log().stream().filter(l -> l.startsWith("systemctl")).toList());
    }

    @Test
    void shouldLeaveAPolicyTheHostAlreadyHasAlone() throws Exception {
        Path policy = policy();
        String hosts = "#!/bin/sh\n# the host's own\nexit 0\n";
        Files.writeString(policy, hosts);
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run run = run(policy, Map.of());
        assertEquals(0, run.exit(), run.output());
        assertEquals(hosts, Files.readString(policy));
        assertTrue(run.log().contains("apt-get install: policy 0"), run.log().toString());
        assertEquals(List.of(), run.log().stream().filter(l -> l.startsWith("systemctl")).toList(),
                "the host's policy decides: nothing disabled");
    }

    @Test
    void shouldDoNothingWhenEveryCommandIsThere() throws Exception {
        Path policy = policy();
        Path bin = stubs();
        for (String command : List.of("ip", "nginx", "keepalived", "curl", "wrk", "tshark", "ping", "nft", "vtysh",
                "chromium", "promtool", "systemd-analyze")) {
            stub(bin, command, "exit 0");
        }
        Run run = run(bin, policy, Map.of());
        assertEquals(0, run.exit(), run.output());
        assertEquals(List.of(), run.log());
        assertFalse(Files.exists(policy));
    }

    /** @return where the script writes its policy-rc.d: under a root of the test's own */
    private Path policy() throws IOException {
        return Files.createDirectories(dir.resolve("root/usr/sbin")).resolve("policy-rc.d");
    }

    /** Processes named as the services a host may run, outside the script's path. */
    private List<Process> startDecoys() throws IOException {
        Path decoys = Files.createDirectories(dir.resolve("decoys"));
        List<Process> out = new ArrayList<>();
        for (String name : List.of("nginx", "keepalived")) {
            Path copy = Files.copy(Path.of(real("sleep")), decoys.resolve(name)); // its process name: the file's
            out.add(new ProcessBuilder(copy.toString(), "300").start());
        }
        return out;
    }

    private record Run(int exit, String output, List<String> log) {
    }

    private Run run(Path policy, Map<String, String> env) throws Exception {
        return run(stubs(), policy, env);
    }

    private Run run(Path bin, Path policy, Map<String, String> env) throws Exception {
        Path log = dir.resolve("calls.log");
        Files.deleteIfExists(log);
        Files.createFile(log);
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("LVS4J_INSTALL_ROOT", dir.resolve("root").toString());
        pb.environment().put("CALLS", log.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), output);
        return new Run(p.exitValue(), output, Files.readAllLines(log));
    }

    /**
     * The script's path: stubs that log their calls, the real programs it may use, and real
     * {@code pkill} and {@code killall}.
     */
    private Path stubs() throws IOException {
        Path bin = dir.resolve("bin");
        if (Files.isDirectory(bin)) {
            return bin;
        }
        Files.createDirectories(bin);
        stub(bin, "id", "echo 0");
        stub(bin, "debconf-set-selections", "cat > /dev/null");
        stub(bin, "systemctl", "echo \"systemctl $*\" >> \"$CALLS\"");
        stub(bin, "service", "echo \"service $*\" >> \"$CALLS\"");
        stub(bin, "invoke-rc.d", "echo \"invoke-rc.d $*\" >> \"$CALLS\"");
        // As a maintainer script would: ask the policy whether nginx may start.
        stub(bin, "apt-get", """
                echo "apt-get $*" >> "$CALLS"
                if [ "$1" = install ]; then
                  policy="$LVS4J_INSTALL_ROOT/usr/sbin/policy-rc.d"
                  if [ -x "$policy" ]; then "$policy" nginx.service start; r=$?; else r=none; fi
                  echo "apt-get install: policy $r" >> "$CALLS"
                  [ -z "${APT_FAIL:-}" ] || exit 100
                fi
                exit 0""");
        for (String program : List.of("cat", "chmod", "rm", "pkill", "killall")) {
            String path = real(program);
            if (path != null) {
                stub(bin, program, "exec " + path + " \"$@\"");
            }
        }
        return bin;
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** @return the path of a program in the usual directories, or null */
    private static String real(String program) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
