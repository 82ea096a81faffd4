package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection sync under new-connection load: wrk opens connections (Connection: close) through a
 * DR master for 20 seconds; the backup's table then holds as many connections as the master's
 * (within 1%), with no sync datagram refused. Prints the sync traffic per connection and the
 * backup's CPU time.
 */
class SyncLoadIT {

    private static final int SECONDS = 20;
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), "
            + "write (\\d+), timeout (\\d+)");

    @TempDir
    Path dir;

    private static long connections(DirectorProcess d) throws Exception {
        DirectorStatus s = d.status();
        long n = 0;
        for (ServerStatus server : s.services().getFirst().servers()) {
            n += server.activeConnections() + server.inactiveConnections();
        }
        return n;
    }

    private static long counter(DirectorProcess d, String name) throws Exception {
        return d.status().counters().getOrDefault(name, 0L);
    }

    /** @return user and system CPU time of a process, in clock ticks (1/100 s) */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void shouldKeepTheBackupsTableAsTheMastersUnderNewConnectionLoad() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "wrk");
        try (Lab lab = Lab.builder().host("client").host("lvs1").host("lvs2").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            Path conf1 = dir.resolve("lvs1.conf");
            Path conf2 = dir.resolve("lvs2.conf");
            Files.writeString(conf1, SyncFailoverIT.config("DR", lab.host("lvs1"), vip, null, 150, rs1, rs2));
            Files.writeString(conf2, SyncFailoverIT.config("DR", lab.host("lvs2"), vip, null, 100, rs1, rs2));
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80);
                    DirectorProcess master = DirectorProcess.start(lab.host("lvs1"), conf1);
                    DirectorProcess backup = DirectorProcess.start(lab.host("lvs2"), conf2)) {
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> "MASTER".equals(master.status().vrrp().getFirst().state())
                                && "BACKUP".equals(backup.status().vrrp().getFirst().state())
                                && client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                long cpuBefore = cpuTicks(backup.pid());
                long recordsBefore = counter(master, "sync_records_sent");
                long datagramsBefore = counter(master, "sync_datagrams_sent");
                long start = System.nanoTime();
                Command.Result wrk = client.netns().exec(Duration.ofSeconds(SECONDS + 30), "wrk", "-t", "2", "-c",
                        "16", "-d", SECONDS + "s", "--timeout", "2s", "-H", "Connection: close", "http://" + vip + "/")
                        .check();
                double wall = (System.nanoTime() - start) / 1e9;
                Matcher requests = REQUESTS.matcher(wrk.stdout());
                assertTrue(requests.find(), wrk.stdout());
                long made = Long.parseLong(requests.group(1));
                Matcher errors = SOCKET_ERRORS.matcher(wrk.stdout());
                long socketErrors = 0;
                if (errors.find()) {
                    for (int g = 1; g <= 4; g++) {
                        socketErrors += Long.parseLong(errors.group(g));
                    }
                }
                assertEquals(0, socketErrors, wrk.stdout());
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    long m = connections(master);
                    return m > 0 && Math.abs(m - connections(backup)) <= m / 100;
                });
                long m = connections(master);
                long b = connections(backup);
                double cpu = (cpuTicks(backup.pid()) - cpuBefore) / 100.0;
                long records = counter(master, "sync_records_sent") - recordsBefore;
                long datagrams = counter(master, "sync_datagrams_sent") - datagramsBefore;
                System.out.printf("[sync load] %d connections in %.1f s; tables: master %d, backup %d; the master "
                        + "sent %d records in %d datagrams: %.1f bytes per connection; the backup used %.2f s of CPU "
                        + "(%.1f%% of one core)%n", made, wall, m, b, records, datagrams,
                        (36.0 * records + 8.0 * datagrams) / made, cpu, 100 * cpu / wall);
                assertEquals(0, counter(backup, "sync_drop_malformed") + counter(backup, "sync_drop_backlog")
                        + counter(backup, "sync_drop_table_full") + counter(backup, "sync_drop_bad_source"));
                // Fewer records than connections is IPVS's rule, not a loss: a client port reused while
                // its entry is in FIN_WAIT continues that entry, whose packet count is past the threshold
                // and whose last synced state is FIN_WAIT already; the tables above match all the same.
                assertTrue(records > made / 2, records + " records for " + made + " connections");
            }
        }
    }
}
