package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Comments, quoting, includes, conditional lines and parameters of keepalived.conf. */
class ConfigSyntaxTest {

    @TempDir
    Path dir;

    private static final String SERVER = """
            virtual_server 198.18.0.10 80 {
                lb_kind DR
                real_server 198.18.0.11 80 {
                    TCP_CHECK {
                    }
                }
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static LoadedConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("test.conf"), text);
    }

    @Test
    void shouldIgnoreHashAndBangCommentsAnywhereOnALine() throws ConfigException {
        DirectorConfig config = parse("""
                ! a whole-line comment
                global_defs { # a comment after a brace
                    router_id LVS1 ! a comment after a value
                    vrrp_version 3#no space before it
                }
                """).config();

        assertEquals("LVS1", config.globalDefs().routerId().orElseThrow());
        assertEquals(3, config.globalDefs().vrrpVersion());
    }

    @Test
    void shouldKeepCommentCharactersAndSpacesInsideQuotes() throws ConfigException {
        DirectorConfig config = parse("""
                vrrp_script chk {
                    script "/usr/bin/check --tag=#1 !now"
                }
                vrrp_script chk2 {
                    script /usr/bin/check' arg with spaces'
                    user nobody :nogroup
                }
                """).config();

        assertEquals("/usr/bin/check --tag=#1 !now", config.vrrpScript("chk").orElseThrow().script().command());
        assertEquals(new Script("/usr/bin/check arg with spaces", java.util.Optional.of("nobody:nogroup")),
                config.vrrpScript("chk2").orElseThrow().script());
    }

    @Test
    void shouldApplyEscapesInQuotedStrings() throws ConfigException {
        DirectorConfig config = parse("vrrp_script chk {\n    script \"a\\tb\\x41\\101\\\"q\"\n}\n").config();

        assertEquals("a\tbAA\"q", config.vrrpScript("chk").orElseThrow().script().command());
    }

    @Test
    void shouldAcceptOpeningBraceOnTheNextLineAndOneLineBlocks() throws ConfigException {
        DirectorConfig config = parse("""
                vrrp_instance VI_1
                {
                    interface eth0
                    virtual_router_id 7
                    virtual_ipaddress { 198.18.0.10/24 dev eth0 label eth0:1 }
                }
                """).config();

        VrrpInstanceConfig vi = config.vrrpInstances().getFirst();
        assertEquals(List.of(new VirtualIpAddress(InetAddress.ofLiteral("198.18.0.10"), 24,
                java.util.Optional.of("eth0"), java.util.Optional.of("eth0:1"))), vi.virtualIpAddresses());
    }

    @Test
    void shouldReadTheKernelOptionsOfVirtualAddresses() throws ConfigException {
        DirectorConfig config = parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    virtual_ipaddress {
                        198.18.0.10/24 brd 198.18.0.255 dev eth1 scope link label eth1:1
                        198.18.0.11
                    }
                }
                vrrp_instance VI_6 {
                    interface eth0
                    virtual_router_id 8
                    virtual_ipaddress {
                        2001:db8::10/64 -nodad noprefixroute
                    }
                }
                """).config();

        assertEquals(new VirtualIpAddress(InetAddress.ofLiteral("198.18.0.10"), 24, java.util.Optional.of("eth1"),
                java.util.Optional.of("eth1:1"), java.util.Optional.of(InetAddress.ofLiteral("198.18.0.255")),
                VirtualIpAddress.SCOPE_LINK, true, false), config.vrrpInstances().get(0).virtualIpAddresses().get(0));
        assertEquals(VirtualIpAddress.of(InetAddress.ofLiteral("198.18.0.11")),
                config.vrrpInstances().get(0).virtualIpAddresses().get(1));
        VirtualIpAddress six = config.vrrpInstances().get(1).virtualIpAddresses().get(0);
        assertEquals(false, six.noDad(), "-nodad: duplicate address detection on");
        assertEquals(true, six.noPrefixRoute());
        assertEquals(true, VirtualIpAddress.of(InetAddress.ofLiteral("2001:db8::11")).noDad(),
                "keepalived adds IPv6 addresses without duplicate address detection by default");
    }

    @Test
    void shouldRefuseAnUnknownScopeAndAnIpv6Broadcast() {
        ConfigException scope = assertThrows(ConfigException.class, () -> parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    virtual_ipaddress { 198.18.0.10 scope galaxy }
                }
                """));
        assertTrue(scope.getMessage().contains("unknown scope"), scope.getMessage());
        ConfigException brd = assertThrows(ConfigException.class, () -> parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    virtual_ipaddress { 2001:db8::10 brd 198.18.0.255 }
                }
                """));
        assertTrue(brd.getMessage().contains("'brd' takes an IPv4 address"), brd.getMessage());
    }

    @Test
    void shouldIncludeFilesByGlobRelativeToTheIncludingFile() throws IOException, ConfigException {
        write("conf.d/10-global.conf", "global_defs {\n    router_id FROM_INCLUDE\n}\n");
        write("conf.d/20-vs.conf", SERVER);
        write("conf.d/readme.txt", "this is not a configuration {");
        Path main = write("keepalived.conf", "include conf.d/*.conf   # the pieces\n");

        LoadedConfig loaded = KeepalivedConfigParser.withoutConfigId().load(main);

        assertEquals("FROM_INCLUDE", loaded.config().globalDefs().routerId().orElseThrow());
        assertEquals(1, loaded.config().virtualServers().size());
        assertEquals(List.of(main, dir.resolve("conf.d/10-global.conf"), dir.resolve("conf.d/20-vs.conf")),
                loaded.files());
    }

    @Test
    void shouldResolveNestedIncludesFromTheirOwnDirectory() throws IOException, ConfigException {
        write("a/b/servers.conf", SERVER);
        write("a/part.conf", "include b/servers.conf\n");
        Path main = write("main.conf", "include a/part.conf\n");

        assertEquals(1, KeepalivedConfigParser.withoutConfigId().load(main).config().virtualServers().size());
    }

    @Test
    void shouldIncludeInsideABlockAndReportPositionsInTheIncludedFile() throws IOException {
        write("vips.conf", "198.18.0.10\n198.18.0.999\n");
        Path main = write("main.conf", """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    virtual_ipaddress {
                        include vips.conf
                    }
                }
                """);

        ConfigException e = assertThrows(ConfigException.class,
                () -> KeepalivedConfigParser.withoutConfigId().load(main));

        assertEquals(dir.resolve("vips.conf") + ":2:1: a virtual address must be an IPv4 or IPv6 address"
                + " (optionally /prefix), not '198.18.0.999'", e.getMessage());
    }

    @Test
    void shouldRefuseAnIncludeCycle() throws IOException {
        write("b.conf", "include a.conf\n");
        Path a = write("a.conf", "global_defs {\n}\ninclude b.conf\n");

        ConfigException e = assertThrows(ConfigException.class,
                () -> KeepalivedConfigParser.withoutConfigId().load(a));

        assertEquals(dir.resolve("b.conf") + ":1:1: include cycle: " + dir.resolve("b.conf") + " includes "
                + dir.resolve("a.conf") + ", which is already being read", e.getMessage());
    }

    @Test
    void shouldAllowTheSameFileIncludedTwiceWithoutCycle() throws IOException, ConfigException {
        write("common.conf", "! only a comment\n");
        Path main = write("main.conf", "include common.conf\ninclude common.conf\n");

        assertEquals(3, KeepalivedConfigParser.withoutConfigId().load(main).files().size());
    }

    @Test
    void shouldWarnWhenPlainIncludeMatchesNothing() throws IOException, ConfigException {
        Path main = write("main.conf", "\ninclude /nonexistent-lvs4j/*.conf\n");

        LoadedConfig loaded = KeepalivedConfigParser.withoutConfigId().load(main);

        assertEquals(List.of(main + ":2:1: warning: include '/nonexistent-lvs4j/*.conf' matches no file"),
                loaded.warnings().stream().map(ConfigWarning::toString).toList());
    }

    @Test
    void shouldReportAMissingMainFile() {
        Path missing = dir.resolve("missing.conf");

        ConfigException e = assertThrows(ConfigException.class,
                () -> KeepalivedConfigParser.withoutConfigId().load(missing));

        assertEquals(missing + ": cannot read " + missing + ": no such file", e.getMessage());
    }

    @Test
    void shouldKeepOnlyConditionalLinesOfTheConfigId() throws ConfigException {
        String text = """
                global_defs {
                @main   router_id main_router
                @backup router_id backup_router
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    unicast_peer {
                        @^main   198.18.0.8
                        @^backup 198.18.0.9
                    }
                }
                """;

        DirectorConfig main = KeepalivedConfigParser.withConfigId("main").parse(Path.of("c.conf"), text).config();
        DirectorConfig none = KeepalivedConfigParser.withoutConfigId().parse(Path.of("c.conf"), text).config();

        assertEquals("main_router", main.globalDefs().routerId().orElseThrow());
        assertEquals(List.of(InetAddress.ofLiteral("198.18.0.9")), main.vrrpInstances().getFirst().unicastPeers());
        assertTrue(none.globalDefs().routerId().isEmpty());
        assertEquals(2, none.vrrpInstances().getFirst().unicastPeers().size());
    }

    @Test
    void shouldKeepColumnsOfAConditionalLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> KeepalivedConfigParser.withConfigId("x")
                .parse(Path.of("c.conf"), "global_defs {\n@x  vrrp_version 4\n}\n"));

        assertEquals("c.conf:2:18: vrrp_version 4 is out of range 2-3", e.getMessage());
    }

    @Test
    void shouldSubstituteParameters() throws ConfigException {
        DirectorConfig config = parse("""
                $VIP=198.18.0.10
                $PORT=80
                virtual_server $VIP ${PORT} {
                    lb_kind DR
                }
                """).config();

        VirtualServerConfig vs = config.virtualServers().getFirst();
        assertEquals(InetAddress.ofLiteral("198.18.0.10"), vs.address().orElseThrow());
        assertEquals(80, vs.port());
    }

    @Test
    void shouldSkipUnsupportedBlocksWithAWarning() throws ConfigException {
        LoadedConfig loaded = parse("""
                static_ipaddress {
                    198.18.0.50/24 dev eth0
                }
                """ + SERVER.replace("lb_kind DR", "lb_kind DR\n    smtp_alert"));

        assertEquals(List.of(
                "test.conf:1:1: warning: 'static_ipaddress' in the top level is not supported by lvs4j; ignored with its block",
                "test.conf:6:5: warning: 'smtp_alert' in virtual_server is not supported by lvs4j; ignored"),
                loaded.warnings().stream().map(ConfigWarning::toString).toList());
        assertEquals(1, loaded.config().virtualServers().size());
    }
}
