package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A corpus of broken configurations, each refused with its exact file:line:column message. */
class MalformedConfigTest {

    private static final Path FILE = Path.of("bad.conf");

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    198.18.0.10
                }
            }
            """;

    private static String server(String body) {
        return "virtual_server 198.18.0.10 80 {\n    lb_kind DR\n" + body + "}\n";
    }

    private static String method(String line) {
        return "virtual_server 198.18.0.10 80 {\n    " + line + "\n}\n";
    }

    private static String check(String checker) {
        return server("    real_server 198.18.0.11 80 {\n" + checker + "    }\n");
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("unclosed block", "global_defs {\n    router_id A\n",
                        "1:13: '{' is never closed: end of file reached"),
                bad("stray closing brace", "global_defs {\n}\n}\n",
                        "3:1: unexpected '}': no block is open"),
                bad("block without keyword", "{\n}\n",
                        "1:1: unexpected '{': a block must follow a keyword"),
                bad("unterminated quote", "vrrp_script chk {\n    script \"/bin/true\n}\n",
                        "2:12: unterminated quoted string: no closing \" on this line"),
                bad("misspelt top-level block", "vrrp_instanse VI_1 {\n}\n",
                        "1:1: unknown keyword 'vrrp_instanse' in the top level (did you mean 'vrrp_instance'?)"),
                bad("misspelt instance keyword", INSTANCE.replace("priority 100", "priorty 100"),
                        "5:5: unknown keyword 'priorty' in vrrp_instance (did you mean 'priority'?)"),
                bad("priority out of range", INSTANCE.replace("priority 100", "priority 256"),
                        "5:14: priority 256 is out of range 1-255"),
                bad("priority not a number", INSTANCE.replace("priority 100", "priority high"),
                        "5:14: priority must be an integer, not 'high'"),
                bad("priority without value", INSTANCE.replace("priority 100", "priority"),
                        "5:14: 'priority' needs a number 1..255"),
                bad("priority with two values", INSTANCE.replace("priority 100", "priority 100 200"),
                        "5:18: unexpected '200' after 'priority 100'"),
                bad("priority with a block", INSTANCE.replace("priority 100", "priority 100 {\n}"),
                        "5:18: 'priority' takes no block"),
                bad("virtual router id 0", INSTANCE.replace("virtual_router_id 51", "virtual_router_id 0"),
                        "4:23: virtual_router_id 0 is out of range 1-255"),
                bad("unknown state", INSTANCE.replace("state MASTER", "state LEADER"),
                        "2:11: state must be MASTER or BACKUP, not 'LEADER'"),
                bad("no interface", INSTANCE.replace("    interface eth0\n", ""),
                        "1:1: vrrp_instance VI_1 has no 'interface'"),
                bad("no virtual router id", INSTANCE.replace("    virtual_router_id 51\n", ""),
                        "1:1: vrrp_instance VI_1 has no 'virtual_router_id'"),
                bad("advert interval not a number", INSTANCE.replace("priority 100", "advert_int fast"),
                        "5:16: advert_int must be a number of seconds, not 'fast'"),
                bad("advert interval too long for version 2", INSTANCE.replace("priority 100", "advert_int 300"),
                        "5:16: advert_int 300 s is out of range 0.5-255 s"),
                bad("AH authentication", INSTANCE.replace("priority 100",
                        "authentication {\n        auth_type AH\n        auth_pass x\n    }"),
                        "6:19: auth_type AH (IPsec authentication header) is not supported by lvs4j; use PASS"),
                bad("authentication without password", INSTANCE.replace("priority 100",
                        "authentication {\n        auth_type PASS\n    }"),
                        "5:5: authentication has no 'auth_pass'"),
                bad("virtual address out of range", INSTANCE.replace("198.18.0.10", "198.18.0.300"),
                        "7:9: a virtual address must be an IPv4 or IPv6 address (optionally /prefix), not '198.18.0.300'"),
                bad("virtual address prefix too long", INSTANCE.replace("198.18.0.10", "198.18.0.10/33"),
                        "7:9: prefix length of 198.18.0.10/33 33 is out of range 0-32"),
                bad("unknown virtual address option", INSTANCE.replace("198.18.0.10", "198.18.0.10 device eth0"),
                        "7:21: unknown virtual address option 'device' (expected dev, label, brd, scope, ...)"),
                bad("virtual addresses of two families", INSTANCE.replace("198.18.0.10", "198.18.0.10\n        2001:db8::10"),
                        "8:9: virtual_ipaddress mixes IPv4 and IPv6; put the other family in virtual_ipaddress_excluded"),
                bad("instance declared twice", INSTANCE + INSTANCE,
                        "10:15: vrrp_instance VI_1 is already declared at bad.conf:1:1"),
                bad("router id used twice on one interface", INSTANCE + INSTANCE.replace("VI_1", "VI_2"),
                        "13:5: vrrp_instance VI_2 uses virtual_router_id 51 on eth0, as vrrp_instance VI_1 does"),
                bad("tracked script not declared", INSTANCE.replace("priority 100",
                        "track_script {\n        chk_nginx weight -20\n    }"),
                        "6:9: vrrp_instance VI_1 tracks vrrp_script chk_nginx, which is not declared"),
                bad("sync group member not declared", INSTANCE + "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_9\n    }\n}\n",
                        "13:9: vrrp_sync_group G1 names vrrp_instance VI_9, which is not declared"),
                bad("vrrp script without script", "vrrp_script chk {\n    interval 2\n}\n",
                        "1:1: vrrp_script chk has no 'script'"),
                bad("vrrp script weight out of range", "vrrp_script chk {\n    script /bin/true\n    weight 300\n}\n",
                        "3:12: weight 300 is out of range -253-253"),
                bad("vrrp_strict with a bad boolean", "global_defs {\n    vrrp_strict maybe\n}\n",
                        "2:17: 'vrrp_strict' takes on|off|true|false|yes|no, not 'maybe'"),
                bad("host name as virtual server", "virtual_server www.example.com 80 {\n}\n",
                        "1:16: a virtual server must be an IPv4 or IPv6 address, not 'www.example.com'"),
                bad("virtual server port out of range", "virtual_server 198.18.0.10 70000 {\n}\n",
                        "1:28: virtual server port 70000 is out of range 0-65535"),
                bad("virtual server without block", "virtual_server 198.18.0.10 80\n",
                        "1:31: 'virtual_server' needs a block: '{' expected"),
                bad("unknown scheduler", server("    lb_algo fastest\n"),
                        "3:13: unknown scheduler 'fastest'; known: dh fo lblc lblcr lc mh nq ovf rr sed sh twos wlc wrr"),
                bad("unknown forwarding method", server("    lb_kind TUNN\n").replace("    lb_kind DR\n", ""),
                        "2:13: lb_kind must be NAT, DR, TUN or FNAT (full-NAT), not 'TUNN'"),
                bad("GRE tunnel", method("lb_kind TUN type gre"),
                        "2:22: tunnel type gre is not supported by lvs4j; use ipip or gue"),
                bad("unknown tunnel type", method("lb_kind TUN type vxlan"),
                        "2:22: tunnel type must be ipip, gue or gre, not 'vxlan'"),
                bad("tunnel type missing", method("lb_kind TUN type"),
                        "2:22: 'lb_kind' needs a tunnel type (ipip, gue or gre) after 'type'"),
                bad("GUE without port", method("lvs_method TUN type gue"),
                        "2:25: a gue tunnel needs 'port N': the real servers' GUE port"),
                bad("port without GUE", method("lb_kind TUN port 6080"),
                        "2:17: 'port' goes with 'type gue' only"),
                bad("GUE port out of range", method("lb_kind TUN type gue port 0"),
                        "2:31: gue tunnel port 0 is out of range 1-65535"),
                bad("checksum on IPIP", method("lb_kind TUN type ipip csum"),
                        "2:27: ipip tunnels take no checksum option, not 'csum'"),
                bad("unknown tunnel option", method("lb_kind TUN type gue port 6080 nochecksum"),
                        "2:36: unknown tunnel option 'nochecksum'; expected type ipip|gue|gre, port N, nocsum, csum"
                                + " or remcsum"),
                bad("tunnel options on DR", method("lb_kind DR type ipip"),
                        "2:16: unexpected 'type' after 'lb_kind DR': tunnel options go with TUN only"),
                bad("tunnel options on a real server's NAT", server("    real_server 198.18.0.11 80 {\n"
                        + "        lvs_method NAT port 6080\n    }\n"),
                        "4:24: unexpected 'port' after 'lvs_method NAT': tunnel options go with TUN only"),
                bad("full-NAT without local addresses", method("lb_kind FNAT"),
                        "2:13: full-NAT (lb_kind FNAT) needs laddr_group_name: the local_address_group of the"
                                + " director's source addresses towards the real servers"),
                bad("real server's full-NAT without local addresses", server("    real_server 198.18.0.11 80 {\n"
                        + "        lvs_method FNAT\n    }\n"),
                        "4:20: full-NAT (lb_kind FNAT) needs laddr_group_name: the local_address_group of the"
                                + " director's source addresses towards the real servers"),
                bad("undeclared local address group", method("lb_kind FNAT\n    laddr_group_name g1"),
                        "3:22: laddr_group_name g1 names no local_address_group"),
                bad("local addresses of the wrong family", "local_address_group g1 {\n    198.18.0.50\n}\n"
                        + method("lb_kind FNAT\n    laddr_group_name g1\n    real_server 2001:db8::11 80 {\n    }")
                                .replace("198.18.0.10", "2001:db8::10"),
                        "7:17: full-NAT real server 2001:db8:0:0:0:0:0:11 needs an IPv6 local address, and"
                                + " local_address_group g1 has none"),
                bad("empty local address group", "local_address_group g1 {\n}\n",
                        "1:1: local_address_group g1 has no address"),
                bad("local address range backwards", "local_address_group g1 {\n    198.18.0.55-51\n}\n",
                        "2:5: range '198.18.0.55-51' ends before it starts"),
                bad("local address range end not a byte", "local_address_group g1 {\n    198.18.0.51-256\n}\n",
                        "2:5: the end of range '198.18.0.51-256' must be the last byte of an IPv4 address (0-255)"),
                bad("local address listed twice", "local_address_group g1 {\n    198.18.0.50-52\n    198.18.0.51\n}\n",
                        "3:5: local address 198.18.0.51 is already listed at bad.conf:2:5"),
                bad("local address not an address", "local_address_group g1 {\n    eth0\n}\n",
                        "2:5: a local address must be an IPv4 or IPv6 address, not 'eth0'"),
                bad("local address group declared twice", "local_address_group g1 {\n    198.18.0.50\n}\n"
                        + "local_address_group g1 {\n    198.18.0.51\n}\n",
                        "4:21: local_address_group g1 is already declared at bad.conf:1:1"),
                bad("bracketed IPv6 virtual server", "virtual_server [2001:db8::10]:80 {\n}\n",
                        "1:16: a virtual server is written as two words, address then port (for example"
                                + " 2001:db8::10 80), not '[2001:db8::10]:80'"),
                bad("IPv4 real server with a colon port", server("    real_server 198.18.0.11:80 {\n    }\n"),
                        "3:17: a real server is written as two words, address then port (for example"
                                + " 2001:db8::10 80), not '198.18.0.11:80'"),
                bad("IPv4 persistence granularity beyond 32 bits", server("    persistence_granularity 64\n"),
                        "3:29: persistence_granularity 64 is longer than an IPv4 address (at most 32)"),
                bad("sorry server of another family", server("    sorry_server 2001:db8::99 80\n"),
                        "3:18: sorry server 2001:db8:0:0:0:0:0:99 is not of the virtual server's address family"
                                + " (only tunnelled servers may differ)"),
                bad("unknown protocol", server("    protocol ICMP\n"),
                        "3:14: protocol must be TCP, UDP or SCTP, not 'ICMP'"),
                bad("port 0 without persistence", "virtual_server 198.18.0.10 {\n    lb_kind DR\n}\n",
                        "1:1: a virtual server without port must be persistent"),
                bad("one-packet scheduling on TCP", server("    ops\n"),
                        "3:5: ops (one-packet scheduling) requires protocol UDP"),
                bad("negative real server weight", server("    real_server 198.18.0.11 80 {\n        weight -1\n    }\n"),
                        "4:16: weight -1 is out of range 0-65535"),
                bad("real server declared twice", server("    real_server 198.18.0.11 80 {\n    }\n"
                        + "    real_server 198.18.0.11 80 {\n    }\n"),
                        "5:5: real_server 198.18.0.11 80 is already declared at bad.conf:3:5"),
                bad("real server of another family", server("    real_server 2001:db8::11 80 {\n    }\n"),
                        "3:17: real server 2001:db8:0:0:0:0:0:11 is not of the virtual server's address family"
                                + " (only tunnelled servers may differ)"),
                bad("virtual server declared twice", server("") + server(""),
                        "4:1: virtual_server [198.18.0.10]:tcp:80 is already declared at bad.conf:1:1"),
                bad("HTTP_GET without url", check("        HTTP_GET {\n            connect_timeout 3\n        }\n"),
                        "4:9: HTTP_GET has no 'url'"),
                bad("url path without slash", check("        HTTP_GET {\n            url {\n                path index.html\n            }\n        }\n"),
                        "6:22: path must start with /, not 'index.html'"),
                bad("digest not hex", check("        HTTP_GET {\n            url {\n                path /\n                digest xyz\n            }\n        }\n"),
                        "7:24: digest must be 32 hex digits (an MD5 as genhash prints it), not 'xyz'"),
                bad("status code out of range", check("        HTTP_GET {\n            url {\n                path /\n                status_code 200 700\n            }\n        }\n"),
                        "7:33: status_code 700 is out of range 100-599"),
                bad("negative connect timeout", check("        TCP_CHECK {\n            connect_timeout -1\n        }\n"),
                        "5:29: connect_timeout must be a number of seconds, not '-1'"),
                bad("misspelt checker option", check("        TCP_CHECK {\n            conect_timeout 3\n        }\n"),
                        "5:13: unknown keyword 'conect_timeout' in TCP_CHECK (did you mean 'connect_timeout'?)"),
                bad("MISC_CHECK without path", check("        MISC_CHECK {\n            misc_timeout 5\n        }\n"),
                        "4:9: MISC_CHECK has no 'misc_path'"),
                bad("unknown DNS query type", check("        DNS_CHECK {\n            type BOGUS\n        }\n"),
                        "5:18: type must be one of A, NS, CNAME, SOA, MX, TXT, AAAA, not 'BOGUS'"),
                bad("payload not hex", check("        UDP_CHECK {\n            payload 12zz\n        }\n"),
                        "5:21: expected hex digits, not '12zz'"),
                bad("include of nothing with includea", "includea missing-*.conf\n",
                        "1:1: includea 'missing-*.conf' matches no file"));
    }

    private static Arguments bad(String name, String text, String expected) {
        return Arguments.of(name, text, FILE + ":" + expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldRefuseWithFileLineAndColumn(String name, String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> KeepalivedConfigParser.withoutConfigId().parse(FILE, text));

        assertEquals(expected, e.getMessage(), name);
    }
}
