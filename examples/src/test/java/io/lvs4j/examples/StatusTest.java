package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.status.TrafficStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./lvs4j status} against a test admin endpoint: ipvsadm's layouts, hand-built from
 * ipvsadm's format (service name padded to 33, server endpoint to 28, then the columns).
 */
class StatusTest {

    private static final long SECOND = 1_000_000_000L;

    private final FakeDirector director = new FakeDirector();
    private final AtomicLong clock = new AtomicLong(50 * SECOND);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private AdminServer admin;

    @BeforeEach
    void start() throws InterruptedException {
        admin = AdminServer.start(director, clock::get, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private int run(String... args) {
        CommandLine cl = Lvs4j.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "status";
        all[1] = "--admin";
        all[2] = "127.0.0.1:" + admin.address().getPort();
        System.arraycopy(args, 0, all, 3, args.length);
        return cl.execute(all);
    }

    @Test
    void shouldPrintTheTableAsIpvsadmLn() {
        int code = run();

        assertEquals(0, code, err::toString);
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.10:80 rr
                  -> 198.18.0.11:80               Route   0      0          2        \s
                  -> 198.18.0.12:80               Route   1      1          7        \s
                """, out.toString());
    }

    @Test
    void shouldListConnectionsAsIpvsadmLnc() {
        int code = run("-c");

        assertEquals(0, code, err::toString);
        assertEquals("""
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:59  ESTABLISHED 198.18.0.2:40312   198.18.0.10:80     198.18.0.12:80
                TCP 01:01  TIME_WAIT   198.18.0.2:40310   198.18.0.10:80     198.18.0.11:80
                """, out.toString());
    }

    @Test
    void shouldPrintStats() {
        director.traffic(new TrafficStats(20, 200, 0, 20_000, 0), new TrafficStats(40, 400, 0, 40_000, 0));

        int code = run("--stats");

        assertEquals(0, code, err::toString);
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  198.18.0.10:80                     60      600        0    60000        0
                  -> 198.18.0.11:80                     20      200        0    20000        0
                  -> 198.18.0.12:80                     40      400        0    40000        0
                """, out.toString());
    }

    @Test
    void shouldPrintRatesAfterOneTwoSecondSample() {
        director.traffic(new TrafficStats(20, 200, 0, 20_000, 0), new TrafficStats(40, 400, 0, 40_000, 0));
        clock.addAndGet(2 * SECOND);
        // The endpoint's own one-second task may take this sample first; either way there is one.
        admin.sampleRates();

        int code = run("--rate");

        // First average: a quarter of the rate (30 cps: 7.5 read as 7; 300 pps: 75; 30000 B/s: 7500).
        assertEquals(0, code, err::toString);
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
                  -> RemoteAddress:Port
                TCP  198.18.0.10:80                      7       75        0     7500        0
                  -> 198.18.0.11:80                      2       25        0     2500        0
                  -> 198.18.0.12:80                      5       50        0     5000        0
                """, out.toString());
    }

    @Test
    void shouldExitOneWhenNoDirectorAnswers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        CommandLine cl = Lvs4j.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int code = cl.execute("status", "--admin", "127.0.0.1:" + port);

        assertEquals(1, code);
        assertTrue(err.toString().startsWith("lvs4j status: no director answers at http://127.0.0.1:" + port
                + "/status"), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void shouldShowTheFloodDefenceOnlyWhenItActedOrIsOn() {
        assertEquals("", Status.flood(java.util.Map.of("flood_embryonic_dropped", 0L, "connection_table_refused", 0L)));
        assertEquals("SYN-flood defence: drop_entry on (1 tables), secure_tcp off; 120 embryonic entries dropped,"
                + " 3 new connections refused (table full), switched on 1 times" + System.lineSeparator(),
                Status.flood(java.util.Map.of("flood_drop_entry_active", 1L, "flood_embryonic_dropped", 120L,
                        "connection_table_refused", 3L, "flood_defense_activations", 1L)));
    }

    @Test
    void shouldNameTheAfXdpTransportOnlyWhenTheDirectorRunsOnIt() {
        assertEquals("", Status.transport(java.util.Map.of("flood_embryonic_dropped", 0L)));
        assertEquals("Transport: AF_XDP (generic mode): 10 frames received, 9 sent, 1 dropped (transmit ring full),"
                + " 2 dropped by the kernel (receive ring full, fill ring empty)" + System.lineSeparator(),
                Status.transport(java.util.Map.of("xdp_native", 0L, "xdp_rx_frames", 10L, "xdp_tx_frames", 9L,
                        "xdp_tx_dropped", 1L, "xdp_kernel_drops", 2L)));
    }
}
