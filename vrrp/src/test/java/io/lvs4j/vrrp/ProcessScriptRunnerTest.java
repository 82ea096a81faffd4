package io.lvs4j.vrrp;

import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.VrrpInstanceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real processes: exit status, timeout, missing program, arguments as keepalived passes them. */
class ProcessScriptRunnerTest {

    private final ProcessScriptRunner runner = new ProcessScriptRunner();

    private ScriptResult run(Duration timeout, String... command) throws Exception {
        return runner.run(List.of(command), timeout).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void shouldReportExitStatus() throws Exception {
        assertTrue(run(Duration.ofSeconds(10), "sh", "-c", "exit 0").success());
        ScriptResult failed = run(Duration.ofSeconds(10), "sh", "-c", "exit 3");
        assertEquals(3, failed.exitCode());
        assertFalse(failed.success());
    }

    @Test
    void shouldKillScriptPastItsTimeout() throws Exception {
        ScriptResult r = run(Duration.ofMillis(200), "sleep", "30");
        assertTrue(r.timedOut());
        assertFalse(r.success());
    }

    @Test
    void shouldFailWhenProgramIsMissing() throws Exception {
        ScriptResult r = run(Duration.ofSeconds(5), "/nonexistent/lvs4j-check");
        assertEquals(-1, r.exitCode());
        assertFalse(r.success());
    }

    @Test
    void shouldPassNotifyArgumentsToARealScript(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("notify.out");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> \"" + out + "\"\n");
        assertTrue(script.toFile().setExecutable(true));
        VirtualClock clock = new VirtualClock();
        VrrpPort quiet = new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
            }
        };
        java.util.concurrent.CompletableFuture<ScriptResult> done = new java.util.concurrent.CompletableFuture<>();
        ScriptRunner watched = (command, timeout) -> runner.run(command, timeout)
                .whenComplete((r, e) -> done.complete(r));
        VrrpNode node = VrrpNode.builder(quiet).clock(clock).scriptRunner(watched)
                .instance(VrrpInstanceConfig.builder("VI_web").interfaceName("eth0").virtualRouterId(9).priority(255)
                        .sourceAddress(SimNetwork.ip("198.18.0.11")).virtualIpAddress(SimNetwork.ip("198.18.0.11"))
                        .notifyAny(Script.of(script.toString())).build())
                .build();
        node.start();
        assertTrue(done.get(20, TimeUnit.SECONDS).success());
        assertEquals("INSTANCE VI_web MASTER 255\n", Files.readString(out));
    }
}
