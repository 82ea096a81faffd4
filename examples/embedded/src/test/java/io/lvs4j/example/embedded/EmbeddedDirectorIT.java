package io.lvs4j.example.embedded;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedding example as a user runs it: a JVM of its own on the module path (so the module
 * system, as the compiler did, lets it read exported packages only) in a director namespace,
 * in front of two real nginx servers. It becomes VRRP master, finds both servers up, serves the
 * client's requests round robin, counts them in its Micrometer registry, and stops cleanly.
 */
class EmbeddedDirectorIT {

    @Test
    void shouldBalanceRealNginxThroughThePublicBuilderOnly() throws Exception {
        NetnsGuard.assumeNetns("curl", "nginx");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host director = lab.host("director");
            List<NginxServer> servers = new ArrayList<>();
            try {
                for (String rs : List.of("rs1", "rs2")) {
                    lab.host(rs).holdVipOnLoopback(vip);
                    servers.add(NginxServer.start(lab.host(rs), "nginx" + rs.charAt(2), 80));
                }
                Path log = Files.createTempFile("lvs4j-embedded-", ".log");
                Process service = director.netns().start(new ProcessBuilder(java(),
                        "--enable-native-access=io.lvs4j.transport.epoll,io.netty.common",
                        "-Xmx128m", "--module-path", modulePath(), "--add-modules", "ALL-MODULE-PATH",
                        "-m", "io.lvs4j.example.embedded/io.lvs4j.example.embedded.EmbeddedDirector",
                        "--interface", director.iface(), "--vip", vip,
                        "--server", lab.host("rs1").ip(), "--server", lab.host("rs2").ip())
                        .redirectErrorStream(true).redirectOutput(log.toFile()));
                try {
                    await().atMost(40, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> {
                        String text = Files.readString(log);
                        return !service.isAlive() || text.contains("VRRP VI_1: BACKUP -> MASTER")
                                && text.contains("real server " + lab.host("rs1").ip() + ":80 up")
                                && text.contains("real server " + lab.host("rs2").ip() + ":80 up");
                    });
                    assertTrue(service.isAlive(), () -> "the service runs: " + read(log));

                    List<String> answers = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        answers.add(lab.host("client").netns().exec(Duration.ofSeconds(10), "curl", "-sf",
                                "--max-time", "5", "http://" + vip + "/").check().stdout().strip());
                    }
                    for (int i = 1; i < answers.size(); i++) {
                        assertNotEquals(answers.get(i - 1), answers.get(i), "round robin alternates: " + answers);
                    }
                    assertTrue(answers.containsAll(List.of("nginx1", "nginx2")), answers.toString());
                    await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                            .until(() -> Files.readString(log).contains("connections served so far: 6"));
                } finally {
                    service.destroy();
                    assertTrue(service.waitFor(20, TimeUnit.SECONDS), "the service stops on SIGTERM");
                    System.out.println(read(log));
                }
                assertEquals(143, service.exitValue(), "SIGTERM ends the JVM after its shutdown hook");
                assertTrue(read(log).contains("VRRP VI_1: MASTER -> INITIALIZE"),
                        "closing the director sends the priority-0 advert and leaves MASTER: " + read(log));
            } finally {
                servers.forEach(NginxServer::close);
            }
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** @return the example's classes and its run-time dependencies, as Maven resolved them */
    private static String modulePath() throws Exception {
        return System.getProperty("lvs4j.example.classes") + ":"
                + Files.readString(Path.of(System.getProperty("lvs4j.example.dependencies"))).strip();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
