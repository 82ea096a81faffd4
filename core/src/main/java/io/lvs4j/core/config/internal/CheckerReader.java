package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.CheckerConfig;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.DnsCheckConfig;
import io.lvs4j.core.config.DnsQueryType;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.MiscCheckConfig;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.StatusCodeRange;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.UdpCheckConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the checker blocks of a {@code real_server}. */
final class CheckerReader {

    /** The checker blocks lvs4j runs. */
    static final Set<String> CHECKERS = Set.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "UDP_CHECK", "MISC_CHECK",
            "DNS_CHECK");

    private static final Duration MAX_TIMER = Duration.ofDays(1);
    private static final Set<String> CONNECTION = Set.of("connect_ip", "connect_port", "bindto", "bind_port");
    private static final Set<String> TIMING = Set.of("connect_timeout", "retry", "delay_before_retry", "warmup",
            "delay_loop", "alpha", "rise", "fall");
    private static final Set<String> HTTP = Set.of("url", "http_protocol", "virtualhost", "enable_sni", "sni_name",
            "fast_recovery", "nb_get_retry");
    private static final Set<String> URL = Set.of("path", "digest", "status_code", "virtualhost");
    private static final Set<String> UDP = Set.of("payload", "require_reply", "min_reply_length",
            "max_reply_length");
    private static final Set<String> MISC = Set.of("misc_path", "misc_timeout", "misc_dynamic", "user");
    private static final Set<String> DNS = Set.of("type", "name");

    /** Settings a virtual or real server passes down to its checkers; null: not set. */
    static final class Inherited {
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration warmup;
        Duration delayLoop;
        Boolean alpha;
        String virtualhost;

        Inherited copy() {
            Inherited c = new Inherited();
            c.connectTimeout = connectTimeout;
            c.retry = retry;
            c.delayBeforeRetry = delayBeforeRetry;
            c.warmup = warmup;
            c.delayLoop = delayLoop;
            c.alpha = alpha;
            c.virtualhost = virtualhost;
            return c;
        }

        /** Reads one inheritable keyword; returns false if the statement is not one. */
        boolean read(Statement s) throws ConfigException {
            switch (s.name()) {
                case "connect_timeout" -> connectTimeout = timer(s, Duration.ofNanos(1000));
                case "retry", "nb_get_retry" -> retry = Values.integer(GlobalDefsReader.single(s, "a count"),
                        s.name(), 0, Integer.MAX_VALUE);
                case "delay_before_retry" -> delayBeforeRetry = timer(s, Duration.ZERO);
                case "warmup" -> warmup = timer(s, Duration.ZERO);
                case "delay_loop" -> delayLoop = timer(s, Duration.ofNanos(1000));
                case "alpha" -> alpha = Values.optionalBool(s, 0);
                case "virtualhost" -> virtualhost = GlobalDefsReader.single(s, "a host name").text();
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    private final Diagnostics diagnostics;

    CheckerReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    static Duration timer(Statement s, Duration min) throws ConfigException {
        return Values.seconds(GlobalDefsReader.single(s, "a number of seconds"), s.name(), min, MAX_TIMER);
    }

    CheckerConfig read(Statement s, Inherited inherited) throws ConfigException {
        s.maxArgs(0);
        CheckerType type = CheckerType.valueOf(s.name());
        List<Statement> body = s.block() == null ? List.of() : s.block().statements();
        Inherited own = inherited.copy();
        own.alpha = null;
        CheckerTiming.Builder timing = CheckerTiming.builder(type);
        if (inherited.alpha != null) {
            timing.alpha(inherited.alpha);
        }
        List<Statement> specific = new ArrayList<>();
        for (Statement st : body) {
            if (type != CheckerType.MISC_CHECK && connection(st, timing)) {
                continue;
            }
            if (TIMING.contains(st.name()) || st.name().equals("nb_get_retry") && isHttp(type)) {
                timing(st, own, timing);
            } else {
                specific.add(st);
            }
        }
        if (own.connectTimeout != null) {
            timing.connectTimeout(own.connectTimeout);
        }
        if (own.retry != null) {
            timing.retry(own.retry);
        }
        if (own.delayLoop != null) {
            timing.delayLoop(own.delayLoop);
        }
        if (own.delayBeforeRetry != null) {
            timing.delayBeforeRetry(own.delayBeforeRetry);
        }
        if (own.warmup != null) {
            timing.warmup(own.warmup);
        }
        CheckerTiming t = VrrpReader.build(s, timing::build);
        return switch (type) {
            case TCP_CHECK -> {
                for (Statement st : specific) {
                    Keywords.other(st, "TCP_CHECK", Keywords.CHECKER, union(CONNECTION, TIMING), diagnostics);
                }
                yield new TcpCheckConfig(t);
            }
            case HTTP_GET, SSL_GET -> http(s, type == CheckerType.SSL_GET, t, specific, inherited.virtualhost);
            case UDP_CHECK -> udp(s, t, specific);
            case MISC_CHECK -> misc(s, t, specific);
            case DNS_CHECK -> dns(s, t, specific);
        };
    }

    private static boolean isHttp(CheckerType type) {
        return type == CheckerType.HTTP_GET || type == CheckerType.SSL_GET;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static boolean connection(Statement s, CheckerTiming.Builder timing) throws ConfigException {
        switch (s.name()) {
            case "connect_ip" -> timing.connectIp(Values.address(GlobalDefsReader.single(s, "an address"),
                    "connect_ip"));
            case "connect_port" -> timing.connectPort(Values.port(GlobalDefsReader.single(s, "a port"),
                    "connect_port"));
            case "bindto" -> timing.bindTo(Values.address(GlobalDefsReader.single(s, "an address"), "bindto"));
            case "bind_port" -> timing.bindPort(Values.port(GlobalDefsReader.single(s, "a port"), "bind_port"));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void timing(Statement s, Inherited own, CheckerTiming.Builder timing) throws ConfigException {
        switch (s.name()) {
            case "rise" -> timing.rise(Values.integer(GlobalDefsReader.single(s, "a count"), "rise", 1,
                    Integer.MAX_VALUE));
            case "fall" -> timing.fall(Values.integer(GlobalDefsReader.single(s, "a count"), "fall", 1,
                    Integer.MAX_VALUE));
            case "alpha" -> timing.alpha(Values.optionalBool(s, 0));
            default -> own.read(s);
        }
    }

    private HttpGetCheckConfig http(Statement decl, boolean ssl, CheckerTiming timing, List<Statement> body,
            String inheritedHost) throws ConfigException {
        HttpGetCheckConfig.Builder b = ssl ? HttpGetCheckConfig.sslGet() : HttpGetCheckConfig.httpGet();
        b.timing(timing);
        String host = inheritedHost;
        boolean hasUrl = false;
        for (Statement s : body) {
            switch (s.name()) {
                case "url" -> {
                    s.maxArgs(0);
                    b.url(url(s));
                    hasUrl = true;
                }
                case "http_protocol" -> {
                    Token t = GlobalDefsReader.single(s, "1.0, 1.0C or 1.1");
                    HttpProtocolVersion v = HttpProtocolVersion.ofKeyword(t.text());
                    if (v == null) {
                        throw new ConfigException(t.position(), "http_protocol must be 1.0, 1.0C or 1.1, not "
                                + t.describe());
                    }
                    b.httpProtocol(v);
                }
                case "virtualhost" -> host = GlobalDefsReader.single(s, "a host name").text();
                case "enable_sni" -> {
                    boolean on = Values.optionalBool(s, 0);
                    if (!ssl) {
                        diagnostics.warn(s.position(), "enable_sni applies to SSL_GET only; ignored");
                    } else {
                        b.enableSni(on);
                    }
                }
                case "sni_name" -> {
                    String name = GlobalDefsReader.single(s, "a server name").text();
                    if (!ssl) {
                        diagnostics.warn(s.position(), "sni_name applies to SSL_GET only; ignored");
                    } else {
                        b.sniName(name);
                    }
                }
                case "fast_recovery" -> b.fastRecovery(Values.optionalBool(s, 0));
                default -> Keywords.other(s, decl.name(), Keywords.HTTP_GET, union(union(CONNECTION, TIMING), HTTP),
                        diagnostics);
            }
        }
        if (!hasUrl) {
            throw new ConfigException(decl.position(), decl.name() + " has no 'url'");
        }
        if (host != null) {
            b.virtualhost(host);
        }
        return VrrpReader.build(decl, b::build);
    }

    private HttpUrl url(Statement decl) throws ConfigException {
        Token path = null;
        Optional<String> digest = Optional.empty();
        List<StatusCodeRange> codes = new ArrayList<>();
        Optional<String> host = Optional.empty();
        for (Statement s : decl.requireBlock()) {
            switch (s.name()) {
                case "path" -> {
                    path = GlobalDefsReader.single(s, "a path");
                    if (!path.text().startsWith("/")) {
                        throw new ConfigException(path.position(), "path must start with /, not " + path.describe());
                    }
                }
                case "digest" -> {
                    Token t = GlobalDefsReader.single(s, "an MD5 digest");
                    if (!t.text().matches("[0-9A-Fa-f]{32}")) {
                        throw new ConfigException(t.position(), "digest must be 32 hex digits (an MD5 as genhash"
                                + " prints it), not " + t.describe());
                    }
                    digest = Optional.of(t.text());
                }
                case "status_code" -> {
                    s.noBlock();
                    s.arg(0, "a status code or range such as 200-299");
                    for (Token t : s.args()) {
                        codes.add(statusCode(t));
                    }
                }
                case "virtualhost" -> host = Optional.of(GlobalDefsReader.single(s, "a host name").text());
                default -> Keywords.other(s, "url", Keywords.URL, URL, diagnostics);
            }
        }
        if (path == null) {
            throw new ConfigException(decl.position(), "url has no 'path'");
        }
        if (codes.isEmpty()) {
            codes.add(StatusCodeRange.SUCCESS);
        }
        return new HttpUrl(path.text(), digest, codes, host);
    }

    private static StatusCodeRange statusCode(Token t) throws ConfigException {
        String text = t.text();
        int dash = text.indexOf('-', 1);
        if (dash < 0) {
            return StatusCodeRange.of(Values.integer(t, "status_code", 100, 599));
        }
        Token from = new Token(Token.Kind.WORD, text.substring(0, dash), t.position(), false);
        Token to = new Token(Token.Kind.WORD, text.substring(dash + 1), t.position(), false);
        int a = Values.integer(from, "status_code", 100, 599);
        int b = Values.integer(to, "status_code", 100, 599);
        if (b < a) {
            throw new ConfigException(t.position(), "status_code range " + text + " is empty");
        }
        return new StatusCodeRange(a, b);
    }

    private UdpCheckConfig udp(Statement decl, CheckerTiming timing, List<Statement> body) throws ConfigException {
        Optional<String> payload = Optional.empty();
        boolean requireReply = false;
        Optional<String> pattern = Optional.empty();
        int min = 0;
        int max = 255;
        for (Statement s : body) {
            switch (s.name()) {
                case "payload" -> {
                    s.noBlock();
                    s.arg(0, "hex bytes");
                    payload = Optional.of(hex(s.args(), false));
                }
                case "require_reply" -> {
                    s.noBlock();
                    requireReply = true;
                    pattern = s.args().isEmpty() ? Optional.empty() : Optional.of(hex(s.args(), true));
                }
                case "min_reply_length" -> min = Values.integer(GlobalDefsReader.single(s, "a length"),
                        "min_reply_length", 0, 65507);
                case "max_reply_length" -> max = Values.integer(GlobalDefsReader.single(s, "a length"),
                        "max_reply_length", 0, 65507);
                default -> Keywords.other(s, "UDP_CHECK", Keywords.CHECKER, union(union(CONNECTION, TIMING), UDP),
                        diagnostics);
            }
        }
        int minLength = min;
        int maxLength = max;
        Optional<String> p = payload;
        boolean r = requireReply;
        Optional<String> pat = pattern;
        return VrrpReader.build(decl, () -> new UdpCheckConfig(timing, p, r, pat, minLength, maxLength));
    }

    /**
     * Reads keepalived's free-form hex: each word is read two digits a byte, and a last odd digit
     * is a byte of its own ({@code Ab12f 3} is AB 12 0F 03).
     */
    private static String hex(List<Token> words, boolean wildcards) throws ConfigException {
        StringBuilder out = new StringBuilder();
        for (Token w : words) {
            String text = w.text();
            for (int i = 0; i < text.length(); i++) {
                char c = Character.toLowerCase(text.charAt(i));
                if (Character.digit(c, 16) < 0 && !(wildcards && c == 'x')) {
                    throw new ConfigException(w.position(), "expected hex digits" + (wildcards ? " or x" : "")
                            + ", not " + w.describe());
                }
            }
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            int i = 0;
            for (; i + 1 < lower.length(); i += 2) {
                out.append(lower, i, i + 2);
            }
            if (i < lower.length()) {
                out.append('0').append(lower.charAt(i));
            }
        }
        return out.toString();
    }

    private MiscCheckConfig misc(Statement decl, CheckerTiming timing, List<Statement> body) throws ConfigException {
        Statement path = null;
        Duration timeout = null;
        boolean dynamic = false;
        Optional<String> user = Optional.empty();
        for (Statement s : body) {
            switch (s.name()) {
                case "misc_path" -> {
                    s.noBlock();
                    s.arg(0, "a command");
                    path = s;
                }
                case "misc_timeout" -> timeout = Duration.ofSeconds(Values.integer(GlobalDefsReader.single(s,
                        "a number of seconds"), "misc_timeout", 1, 86400));
                case "misc_dynamic" -> dynamic = Values.optionalBool(s, 0);
                case "user" -> user = Optional.of(VrrpReader.user(s, 0));
                default -> Keywords.other(s, "MISC_CHECK", Keywords.CHECKER, union(TIMING, MISC), diagnostics);
            }
        }
        if (path == null) {
            throw new ConfigException(decl.position(), "MISC_CHECK has no 'misc_path'");
        }
        Script script = new Script(VrrpReader.joined(path), user);
        Duration t = timeout != null ? timeout : timing.delayLoop();
        boolean d = dynamic;
        return VrrpReader.build(decl, () -> new MiscCheckConfig(timing, script, t, d));
    }

    private DnsCheckConfig dns(Statement decl, CheckerTiming timing, List<Statement> body) throws ConfigException {
        DnsQueryType type = DnsQueryType.SOA;
        String name = ".";
        for (Statement s : body) {
            switch (s.name()) {
                case "type" -> {
                    Token t = GlobalDefsReader.single(s, "a query type");
                    try {
                        type = DnsQueryType.valueOf(t.text().toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(t.position(), "type must be one of A, NS, CNAME, SOA, MX, TXT,"
                                + " AAAA, not " + t.describe(), e);
                    }
                }
                case "name" -> name = GlobalDefsReader.single(s, "a domain name").text();
                default -> Keywords.other(s, "DNS_CHECK", Keywords.CHECKER, union(union(CONNECTION, TIMING), DNS),
                        diagnostics);
            }
        }
        DnsQueryType qt = type;
        String n = name;
        return VrrpReader.build(decl, () -> new DnsCheckConfig(timing, qt, n));
    }
}
