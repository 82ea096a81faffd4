package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keepalived.conf of the classic LVS article, as shipped in examples/conf. */
class ArticleConfigTest {

    static final Path LVS1 = Path.of("../examples/conf/keepalived-lvs1.conf");
    static final Path LVS2 = Path.of("../examples/conf/keepalived-lvs2.conf");

    static InetAddress ip(String text) {
        return InetAddress.ofLiteral(text);
    }

    /** The article's director, declared with the Java builders. */
    static DirectorConfig articleDirector(String routerId, VrrpInitialState state, int priority) {
        GlobalDefs globals = GlobalDefs.builder()
                .routerId(routerId)
                .vrrpSkipCheckAdvAddr(true)
                .garp(GarpConfig.builder().interval(Duration.ofSeconds(3)).gnaInterval(Duration.ofSeconds(3)).build())
                .build();
        VrrpInstanceConfig vi1 = VrrpInstanceConfig.builder("VI_1", globals)
                .initialState(state)
                .interfaceName("eth0")
                .virtualRouterId(51)
                .priority(priority)
                .advertInterval(Duration.ofSeconds(1))
                .authPass("1111")
                .virtualIpAddress(ip("198.18.0.10"))
                .build();
        CheckerTiming tcp = CheckerTiming.builder(CheckerType.TCP_CHECK)
                .connectTimeout(Duration.ofSeconds(3))
                .retry(3)
                .delayBeforeRetry(Duration.ofSeconds(3))
                .delayLoop(Duration.ofSeconds(6))
                .build();
        VirtualServerConfig.Builder vs = VirtualServerConfig.builder(ip("198.18.0.10"), 80)
                .delayLoop(Duration.ofSeconds(6))
                .scheduler("rr")
                .forwarding(ForwardingMethod.DIRECT_ROUTE)
                .persistenceTimeout(Duration.ZERO)
                .protocol(Protocol.TCP);
        for (String server : List.of("198.18.0.11", "198.18.0.12")) {
            vs.realServer(RealServerConfig.builder(ip(server), 80).weight(1).checker(new TcpCheckConfig(tcp)).build());
        }
        return DirectorConfig.builder().globalDefs(globals).vrrpInstance(vi1).virtualServer(vs.build()).build();
    }

    @Test
    void shouldLoadArticleConfigToTheModelTheBuilderMakes() throws ConfigException {
        LoadedConfig loaded = KeepalivedConfigParser.withoutConfigId().load(LVS1);

        assertEquals(articleDirector("LVS1", VrrpInitialState.MASTER, 100), loaded.config());
    }

    @Test
    void shouldLoadSecondDirectorAsBackupWithLowerPriority() throws ConfigException {
        LoadedConfig loaded = KeepalivedConfigParser.withoutConfigId().load(LVS2);

        assertEquals(articleDirector("LVS2", VrrpInitialState.BACKUP, 90), loaded.config());
    }

    @Test
    void shouldResolveArticleDefaultsAsKeepalivedDoes() throws ConfigException {
        DirectorConfig config = KeepalivedConfigParser.withoutConfigId().load(LVS1).config();
        VirtualServerConfig vs = config.virtualServers().getFirst();
        RealServerConfig rs = vs.realServers().getFirst();
        CheckerTiming timing = rs.checkers().getFirst().timing();

        assertEquals(2, config.vrrpInstances().getFirst().version());
        assertEquals(GarpConfig.DEFAULTS.masterDelay(), config.vrrpInstances().getFirst().garp().masterDelay());
        assertEquals(Duration.ofSeconds(3), config.vrrpInstances().getFirst().garp().interval());
        assertEquals(Duration.ofSeconds(6), timing.delayLoop());
        assertEquals(Duration.ofSeconds(6), timing.warmup());
        assertEquals(ForwardingMethod.DIRECT_ROUTE, vs.forwardingOf(rs));
        assertEquals(ip("198.18.0.11"), timing.target(rs.address(), rs.port()).getAddress());
        assertEquals(80, timing.target(rs.address(), rs.port()).getPort());
        assertEquals(1, vs.quorum());
    }

    @Test
    void shouldWarnAboutEmailSettingsAndSkipCheckAdvAddrWithTheirLines() throws ConfigException {
        LoadedConfig loaded = KeepalivedConfigParser.withoutConfigId().load(LVS1);

        assertEquals(List.of(
                LVS1 + ":3:1: warning: 'notification_email' in global_defs is not supported by lvs4j; ignored with its block",
                LVS1 + ":8:1: warning: 'notification_email_from' in global_defs is not supported by lvs4j; ignored",
                LVS1 + ":9:1: warning: 'smtp_server' in global_defs is not supported by lvs4j; ignored",
                LVS1 + ":10:1: warning: 'smtp_connect_timeout' in global_defs is not supported by lvs4j; ignored",
                LVS1 + ":12:1: warning: skip_check_adv_addr is read but not acted on: lvs4j checks the addresses of"
                        + " every advert and drops one whose list differs from the instance's"),
                loaded.warnings().stream().map(ConfigWarning::toString).toList());
        assertEquals(List.of(LVS1), loaded.files());
    }

    @Test
    void shouldKeepChineseCommentsOutOfValues() throws ConfigException {
        DirectorConfig config = KeepalivedConfigParser.withoutConfigId().load(LVS1).config();

        assertEquals("rr", config.virtualServers().getFirst().scheduler());
        assertTrue(config.globalDefs().vrrpSkipCheckAdvAddr());
        assertTrue(!config.globalDefs().vrrpStrict(), "#vrrp_strict is commented out");
    }
}
