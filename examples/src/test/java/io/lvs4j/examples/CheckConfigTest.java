package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.transport.epoll.Director;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./lvs4j check-config}: output and exit codes. */
class CheckConfigTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Lvs4j.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void shouldAcceptTheShippedLabConfigsWithWarningsAndExitZero() {
        int lvs1 = run("check-config", "conf/keepalived-lvs1.conf");
        int lvs2 = run("check-config", "conf/keepalived-lvs2.conf");

        assertEquals(0, lvs1);
        assertEquals(0, lvs2);
        assertEquals("conf/keepalived-lvs1.conf: OK (1 vrrp_instance, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers; 5 warnings)\n"
                + "conf/keepalived-lvs2.conf: OK (1 vrrp_instance, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers; 5 warnings)\n", out.toString());
        assertEquals("conf/keepalived-lvs1.conf:9:1: warning: 'smtp_server' in global_defs is not supported"
                + " by lvs4j; ignored", err.toString().lines().toList().get(2));
    }

    @Test
    void shouldPrintTheErrorWithPositionAndExitOne(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "virtual_server 198.18.0.10 80 {\n    lb_algo roundrobin\n}\n");

        int code = run("check-config", bad.toString());

        assertEquals(1, code);
        assertEquals(bad + ":2:13: error: unknown scheduler 'roundrobin'; known: dh fo lblc lblcr lc maglev mh nq ovf rr"
                + " sed sh twos wlc wrr\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldUseTheGivenConfigIdForConditionalLines(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("c.conf");
        Files.writeString(conf, "global_defs {\n@lvs1 router_id LVS1\n@lvs2 router_id BROKEN VALUE\n}\n");

        int good = run("check-config", "--config-id", "lvs1", conf.toString());
        int broken = run("check-config", "-i", "lvs2", "--quiet", conf.toString());

        assertEquals(0, good);
        assertEquals(1, broken);
        assertEquals(conf + ":3:24: error: unexpected 'VALUE' after 'router_id BROKEN'\n", err.toString());
    }

    @Test
    void shouldAcceptTheForwardingSamplesAndMapThemToTheirForwarding() throws Exception {
        assertEquals(0, run("check-config", "conf/keepalived-nat.conf"));
        assertEquals(0, run("check-config", "conf/keepalived-gue.conf"));
        assertEquals(0, run("check-config", "conf/keepalived-fnat.conf"));

        assertEquals("conf/keepalived-nat.conf: OK (1 vrrp_instance, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers; 0 warnings)\n"
                + "conf/keepalived-gue.conf: OK (1 vrrp_instance, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers; 0 warnings)\n"
                + "conf/keepalived-fnat.conf: OK (1 vrrp_instance, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers, 1 local_address_group; 0 warnings)\n", out.toString());
        assertEquals(Forwarding.masquerade(), forwarding("conf/keepalived-nat.conf"));
        assertEquals(Forwarding.gue(6080), forwarding("conf/keepalived-gue.conf"));
        assertEquals(Forwarding.fullNat(), forwarding("conf/keepalived-fnat.conf"));
    }

    @Test
    void shouldSummariseTheBgpAnnouncementOfTheScaleOutSample() throws Exception {
        assertEquals(0, run("check-config", "conf/keepalived-ecmp.conf"));
        assertEquals("conf/keepalived-ecmp.conf: OK (0 vrrp_instances, 0 vrrp_sync_groups, 0 vrrp_scripts,"
                + " 1 virtual_server, 2 real_servers, bgp_announce (frr, 2 neighbors); 0 warnings)\n", out.toString());
    }

    private static Forwarding forwarding(String file) throws Exception {
        Director director = Director.fromConfig(KeepalivedConfigParser.withoutConfigId().load(Path.of(file)).config(),
                null).build();
        return director.forwardingOf(director.services().getFirst());
    }

    @Test
    void shouldCountLocalAddressGroups(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("fnat.conf");
        Files.writeString(conf, "local_address_group g1 {\n    198.18.0.50-55\n}\n"
                + "virtual_server 198.18.0.10 80 {\n    lb_kind FNAT\n    laddr_group_name g1\n"
                + "    real_server 198.18.0.11 8080 {\n    }\n}\n");

        int code = run("check-config", conf.toString());

        assertEquals(0, code);
        assertEquals(conf + ": OK (0 vrrp_instances, 0 vrrp_sync_groups, 0 vrrp_scripts, 1 virtual_server,"
                + " 1 real_server, 1 local_address_group; 0 warnings)\n", out.toString());
    }

    @Test
    void shouldAcceptAFwmarkService(@TempDir Path dir) throws IOException {
        assertAccepted(dir.resolve("fwmark.conf"), "virtual_server fwmark 1 {\n    lb_kind DR\n"
                + "    persistence_timeout 60\n    real_server 198.18.0.11 0 {\n    }\n}\n",
                "1 virtual_server, 1 real_server");
    }

    @Test
    void shouldAcceptAGroupWithAFwmarkMember(@TempDir Path dir) throws IOException {
        assertAccepted(dir.resolve("group.conf"), "virtual_server_group WEB {\n    198.18.0.10 80\n    fwmark 7\n}\n"
                + "virtual_server group WEB {\n    lb_kind NAT\n    real_server 198.18.0.11 80 {\n    }\n}\n",
                "2 virtual_servers, 2 real_servers");
    }

    /** Checks a file of VRRP-less text that check-config finds OK with these counts and no warning. */
    private void assertAccepted(Path conf, String text, String counts) throws IOException {
        Files.writeString(conf, text);

        int code = run("check-config", conf.toString());

        assertEquals("", err.toString());
        assertEquals(0, code);
        assertEquals(conf + ": OK (0 vrrp_instances, 0 vrrp_sync_groups, 0 vrrp_scripts, " + counts
                + "; 0 warnings)\n", out.toString());
    }

    @Test
    void shouldRefuseWhatRunWouldRefuseSuchAsAnIpv6FwmarkService(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("fwmark6.conf");
        Files.writeString(conf, "virtual_server fwmark 1 {\n    lb_kind DR\n    persistence_timeout 60\n"
                + "    real_server 2001:db8::11 0 {\n    }\n}\n");

        int code = run("check-config", conf.toString());

        assertEquals(1, code);
        assertEquals(conf + ": error: the director cannot run this configuration: virtual_server FWM 1: lvs4j serves"
                + " IPv4 fwmark services only (its marked packet socket is bound to IPv4); declare the IPv6 addresses"
                + " and ports as virtual_servers\n", err.toString());
        assertEquals("", out.toString());
    }
}
