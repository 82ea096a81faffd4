package io.lvs4j.transport.epoll.check;

import io.lvs4j.core.check.Checker;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.config.DnsCheckConfig;
import io.lvs4j.core.config.DnsQueryType;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.MiscCheckConfig;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.UdpCheckConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/** Short-timed checker blocks for the tests. */
final class Configs {

    private Configs() {
    }

    /** No retry, no warmup: delay_loop, connect_timeout, rise, fall. */
    static CheckerTiming timing(Duration delayLoop, Duration connectTimeout, int rise, int fall) {
        return CheckerTiming.builder(CheckerType.TCP_CHECK).delayLoop(delayLoop).connectTimeout(connectTimeout)
                .retry(0).delayBeforeRetry(Duration.ZERO).warmup(Duration.ZERO).rise(rise).fall(fall).build();
    }

    static CheckerTiming alpha(CheckerTiming t) {
        return new CheckerTiming(t.connectIp(), t.connectPort(), t.bindTo(), t.bindPort(), t.connectTimeout(),
                t.retry(), t.delayBeforeRetry(), t.delayLoop(), t.warmup(), true, t.rise(), t.fall());
    }

    static CheckerTiming connectTo(CheckerTiming t, InetSocketAddress a) {
        return new CheckerTiming(Optional.of(a.getAddress()), a.getPort(), t.bindTo(), t.bindPort(),
                t.connectTimeout(), t.retry(), t.delayBeforeRetry(), t.delayLoop(), t.warmup(), t.alpha(), t.rise(),
                t.fall());
    }

    static Checker tcp(CheckerTiming t) {
        return Checker.of(new TcpCheckConfig(t));
    }

    static Checker http(String path, CheckerTiming t) {
        return Checker.of(HttpGetCheckConfig.httpGet().timing(t).url(HttpUrl.of(path))
                .httpProtocol(HttpProtocolVersion.HTTP_1_1).build());
    }

    static Checker udp(byte[] payload, boolean requireReply, byte[] expected, CheckerTiming t) {
        HexFormat hex = HexFormat.of();
        return Checker.of(new UdpCheckConfig(t, Optional.of(hex.formatHex(payload)), requireReply,
                expected == null ? Optional.empty() : Optional.of(hex.formatHex(expected)), 0, 65507));
    }

    static Checker dns(DnsQueryType type, String name, CheckerTiming t) {
        return Checker.of(new DnsCheckConfig(t, type, name));
    }

    static Checker misc(String command, Duration timeout, boolean dynamic, CheckerTiming t) {
        return Checker.of(new MiscCheckConfig(t, Script.of(command), timeout, dynamic));
    }
}
