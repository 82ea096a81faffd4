package io.lvs4j.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.testkit.Command;
import io.lvs4j.testkit.NetnsGuard;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Active-active directors behind an ECMP router, announced over BGP by FRR: a client, a router
 * running FRR with the L4 multipath hash, 3 directors each running {@code ./lvs4j run} with
 * {@code bgp_announce} (Maglev with the sloppy-TCP fallback, DR) and 3 nginx real servers.
 * 60 keep-alive connections spread over all 3 directors; {@code kill -9} of the director that
 * carries a rate-limited download: the router loses its path within the hold time, every held
 * connection answers again from the same real server, the download completes intact; the
 * director comes back and announces again, and the flows ECMP moves to it keep working;
 * {@code ./lvs4j drain} withdraws one director while its flows go on elsewhere. New connections
 * run all along: their failures are counted (goal 0) and the longest stall reported.
 */
class EcmpScaleOutIT {

    private static final int DIRECTORS = 3;
    private static final int CONNECTIONS = 60;
    private static final int DOWNLOAD = 3 << 20;
    private static final String RATE = "600k";
    private static final long HOLD_MILLIS = EcmpLab.HOLD_SECONDS * 1000L;

    @Test
    void shouldSpreadFlowsOverDirectorsAndSurviveKillReturnAndDrain() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "sha256sum", "vtysh", "setpriv");
        byte[] blob = new byte[DOWNLOAD];
        new Random(17).nextBytes(blob);
        String blobSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        try (EcmpLab lab = new EcmpLab(DIRECTORS, 3, blob)) {
            long started = System.nanoTime();
            for (int i = 1; i <= DIRECTORS; i++) {
                lab.startDirector(i);
            }
            await("all 3 directors announce").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                    .until(() -> lab.nextHops().size() == DIRECTORS);
            System.out.printf("[ecmp] 3 JVMs started to 3 paths on the router: %d ms%n", millisSince(started));
            for (int i = 1; i <= DIRECTORS; i++) {
                AnnouncementStatus a = lab.status(i).announcement();
                assertTrue(a != null && a.announced() && a.daemonRunning(), "d" + i + ": " + a);
            }
            String status = lab.cli(1, "status").check().stdout();
            assertTrue(status.contains("BGP announcement (frr, running)") && status.contains(EcmpLab.VIP + "/32")
                    && status.contains("announced"), status);
            System.out.print("[ecmp] ./lvs4j status on d1:\n" + status);

            ExecutorService clientThread = lab.client().executor();
            List<KeepAliveConnection> held = clientThread.submit(() -> {
                List<KeepAliveConnection> list = new ArrayList<>();
                for (int k = 0; k < CONNECTIONS; k++) {
                    list.add(new KeepAliveConnection(EcmpLab.VIP, 80, 10_000));
                }
                return list;
            }).get(60, TimeUnit.SECONDS);
            List<String> servers = new ArrayList<>();
            for (KeepAliveConnection c : held) {
                servers.add(c.get(false));
            }
            int[] share = new int[DIRECTORS + 1];
            for (int i = 1; i <= DIRECTORS; i++) {
                share[i] = activeConnections(lab.status(i));
                assertTrue(share[i] > 0, "director d" + i + " holds a share of the 60 connections: " + share[i]);
            }
            assertEquals(CONNECTIONS, share[1] + share[2] + share[3], "every held connection is on one director");
            System.out.printf("[ecmp] 60 keep-alive connections: d1 %d, d2 %d, d3 %d; servers %s%n", share[1],
                    share[2], share[3], count(servers));

            NewConnectionProbe probe = new NewConnectionProbe(EcmpLab.VIP, 80);
            ExecutorService probeThread = lab.client().executor();
            probeThread.execute(probe);
            try {
                // A rate-limited download; the director that carries it is the one to kill.
                Process download = lab.client().start(new ProcessBuilder("sh", "-c",
                        "curl -s --max-time 60 --limit-rate " + RATE + " --local-port 45000-45099 -o - http://"
                                + EcmpLab.VIP + "/files/blob | sha256sum").redirectErrorStream(true));
                int victim = await("a director carries the download").atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(100)).until(() -> carrier(lab), v -> v > 0);
                Thread.sleep(1000);
                List<Long> daemons = lab.daemonPids(victim);
                assertEquals(2, daemons.size(), "zebra and bgpd run for d" + victim);
                String victimIp = lab.director(victim).ip();

                long killed = System.nanoTime();
                lab.kill9(victim);
                await("the router drops d" + victim).atMost(HOLD_MILLIS + 2000, TimeUnit.MILLISECONDS)
                        .pollInterval(Duration.ofMillis(5)).until(() -> !lab.nextHops().contains(victimIp));
                long withdrawKill = millisSince(killed);
                assertTrue(withdrawKill <= HOLD_MILLIS, "withdrawn within the hold time: " + withdrawKill + " ms");
                for (long pid : daemons) {
                    await("d" + victim + "'s daemon " + pid + " died with it").atMost(5, TimeUnit.SECONDS)
                            .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
                }
                System.out.printf("[ecmp] kill -9 d%d: the router withdrew its path after %d ms; its zebra and bgpd"
                        + " died with it%n", victim, withdrawKill);
                assertSameServers(held, servers, "after kill -9 of d" + victim);

                assertTrue(download.waitFor(90, TimeUnit.SECONDS), "the download ends");
                String sum = new String(download.getInputStream().readAllBytes()).strip();
                assertEquals(blobSha + "  -", sum, "the download through the killed director is intact");
                System.out.printf("[ecmp] the %d MB download at %s/s through d%d completed intact%n", DOWNLOAD >> 20,
                        RATE, victim);

                long restarted = System.nanoTime();
                lab.startDirector(victim);
                await("d" + victim + " announces again").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(20)).until(() -> lab.nextHops().contains(victimIp));
                System.out.printf("[ecmp] d%d back: JVM start to its path on the router %d ms%n", victim,
                        millisSince(restarted));
                assertSameServers(held, servers, "after d" + victim + " came back");
                List<Integer> ports = held.stream().map(KeepAliveConnection::localPort).toList();
                long moved = lab.connections(victim).stream().filter(e -> ports.contains(e.clientPort())).count();
                assertTrue(moved > 0, "held flows ECMP moved to the returned d" + victim + " went through it");
                System.out.printf("[ecmp] %d of the held connections moved to the returned d%d and kept their"
                        + " servers%n", moved, victim);

                int drained = victim % DIRECTORS + 1;
                String drainedIp = lab.director(drained).ip();
                long drainAsked = System.nanoTime();
                Command.Result drain = lab.cli(drained, "drain").check();
                long drainAnswered = System.nanoTime();
                assertTrue(drain.stdout().contains("DRAINED") && drain.stdout().contains("withdrawn"), drain.stdout());
                await("the router drops drained d" + drained).atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(5)).until(() -> !lab.nextHops().contains(drainedIp));
                long drainWithdraw = millisSince(drainAnswered);
                System.out.printf("[ecmp] drain d%d: ./lvs4j drain took %d ms; the router dropped the path %d ms"
                        + " after it answered%n", drained, (drainAnswered - drainAsked) / 1_000_000, drainWithdraw);
                String drainedStatus = lab.cli(drained, "status").check().stdout();
                assertTrue(drainedStatus.contains("DRAINED") && drainedStatus.contains("withdrawn"), drainedStatus);
                assertTrue(lab.status(drained).announcement().drained());
                long drainedConns = lab.status(drained).services().getFirst().stats().connections();
                long probed = probe.succeeded();
                await("new connections go on").atMost(30, TimeUnit.SECONDS).until(() -> probe.succeeded() >= probed + 30);
                assertEquals(drainedConns, lab.status(drained).services().getFirst().stats().connections(),
                        "the drained director gets no new flow");
                assertSameServers(held, servers, "while d" + drained + " is drained");
                for (KeepAliveConnection c : held) {
                    assertEquals(servers.get(held.indexOf(c)), c.get(true), "the last request of a held flow");
                    assertTrue(c.closedByServer(), "the held flow ends cleanly");
                    c.close();
                }
                System.out.println("[ecmp] the 60 held connections finished cleanly");

                long undrain = System.nanoTime();
                Command.Result back = lab.director(drained).exec("curl", "-s", "-X", "POST", "--max-time", "10",
                        "http://127.0.0.1:9180/undrain").check();
                long undrainAnswered = System.nanoTime();
                assertTrue(back.stdout().contains("announced"), back.stdout());
                await("d" + drained + " announces again").atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(5)).until(() -> lab.nextHops().contains(drainedIp));
                System.out.printf("[ecmp] undrain d%d: answered in %d ms; the router had the path again %d ms after"
                        + "%n", drained, (undrainAnswered - undrain) / 1_000_000, millisSince(undrainAnswered));
            } finally {
                probe.stop();
                probeThread.shutdownNow();
            }
            System.out.printf("[ecmp] new connections during all of it: %d answered, %d failed, longest %d ms%s%n",
                    probe.succeeded(), probe.failed(), probe.longestMillis(),
                    probe.failed() > 0 ? " (last failure: " + probe.lastFailure() + ")" : "");
            assertEquals(0, probe.failed(), "no new connection failed: " + probe.lastFailure());
            assertTrue(probe.succeeded() > 100, "the probe ran: " + probe.succeeded());
        }
    }

    /** @return the director whose connection table holds the download's connection, or 0 */
    private static int carrier(EcmpLab lab) throws IOException {
        for (int i = 1; i <= lab.directors(); i++) {
            for (ConnectionEntry e : lab.connections(i)) {
                if (e.clientPort() >= 45000 && e.clientPort() <= 45099) {
                    return i;
                }
            }
        }
        return 0;
    }

    private static void assertSameServers(List<KeepAliveConnection> held, List<String> servers, String when)
            throws IOException {
        for (int k = 0; k < held.size(); k++) {
            assertEquals(servers.get(k), held.get(k).get(false), "held connection " + k + " " + when);
        }
    }

    private static int activeConnections(DirectorStatus s) {
        int n = 0;
        for (ServiceStatus service : s.services()) {
            for (ServerStatus server : service.servers()) {
                n += server.activeConnections();
            }
        }
        return n;
    }

    private static String count(List<String> servers) {
        return servers.stream().distinct().sorted().map(n -> n + " " + servers.stream().filter(n::equals).count())
                .toList().toString();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
