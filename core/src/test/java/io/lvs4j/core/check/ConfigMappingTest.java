package io.lvs4j.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.config.DnsCheckConfig;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.MiscCheckConfig;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.UdpCheckConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigMappingTest {

    private static VirtualServerConfig sample() throws Exception {
        RealServerConfig rs1 = RealServerConfig.builder(InetAddress.getByName("198.18.1.1"), 0).weight(3)
                .notifyDown(Script.of("/usr/local/bin/alert 'rs 1' down"))
                .checker(HttpGetCheckConfig.httpGet().url(HttpUrl.of("/health")).build())
                .checker(TcpCheckConfig.defaults()).build();
        RealServerConfig rs2 = RealServerConfig.builder(InetAddress.getByName("198.18.1.2"), 8080).weight(5)
                .inhibitOnFailure(true).checker(MiscCheckConfig.of("/bin/check --fast")).build();
        return VirtualServerConfig.builder(InetAddress.getByName("198.18.0.10"), 80).quorum(4).hysteresis(1)
                .alpha(true).virtualhost("www.example.test")
                .sorryServer(SorryServerConfig.of(InetAddress.getByName("198.18.2.1"), 0))
                .quorumDown(Script.of("/bin/qdown now")).realServer(rs1).realServer(rs2).build();
    }

    @Test
    void shouldMapAVirtualServerBlockToItsChecks() throws Exception {
        ServiceChecks sc = ServiceChecks.from(sample());
        assertEquals(4, sc.quorum());
        assertEquals(1, sc.hysteresis());
        assertEquals(List.of("/bin/qdown", "now"), sc.quorumDown());
        assertEquals(80, sc.sorryServer().port(), "the sorry server takes the service's port");
        ServerChecks first = sc.servers().get(0);
        assertEquals(80, first.server().port());
        assertEquals(3, first.server().weight());
        assertEquals(List.of("/usr/local/bin/alert", "rs 1", "down"), first.notifyDown());
        assertInstanceOf(HttpGetCheck.class, first.checkers().get(0).check());
        assertInstanceOf(TcpCheck.class, first.checkers().get(1).check());
        assertTrue(sc.servers().get(1).inhibitOnFailure());
    }

    @Test
    void shouldApplyTheVirtualServersAlphaAndVirtualhostToItsCheckers() throws Exception {
        ServiceChecks sc = ServiceChecks.from(sample());
        for (ServerChecks s : sc.servers()) {
            for (Checker c : s.checkers()) {
                assertTrue(c.timing().alpha(), c.toString());
            }
        }
        HttpGetCheck http = (HttpGetCheck) sc.servers().get(0).checkers().get(0).check();
        assertEquals(Optional.of("www.example.test"), http.config().virtualhost());
    }

    @Test
    void shouldCompareEqualForAnUnchangedBlockSoAReloadKeepsItsState() throws Exception {
        assertEquals(ServiceChecks.from(sample()), ServiceChecks.from(sample()));
        assertEquals(Checker.of(DnsCheckConfig.defaults()), Checker.of(DnsCheckConfig.defaults()));
    }

    @Test
    void shouldMatchAUdpReplyAgainstAHexPatternWithWildcardNibbles() {
        CheckerTiming t = CheckerTiming.defaults(CheckerType.UDP_CHECK);
        UdpCheck check = new UdpCheck(new UdpCheckConfig(t, Optional.empty(), true, Optional.of("50x14x"), 2, 10));
        assertTrue(check.judge(ByteBuffer.wrap(new byte[] {0x50, 0x31, 0x4b})).up());
        assertFalse(check.judge(ByteBuffer.wrap(new byte[] {0x51, 0x31, 0x4b})).up());
        assertFalse(check.judge(ByteBuffer.wrap(new byte[] {0x50, 0x32, 0x4b})).up());
        assertTrue(check.judge(ByteBuffer.wrap(new byte[] {0x50, 0x71})).up(), "the reply's length bounds the compare");
        assertFalse(check.judge(ByteBuffer.wrap(new byte[] {0x50})).up(), "shorter than min_reply_length");
        assertEquals(Duration.ofSeconds(5), t.connectTimeout());
    }
}
