package io.lvs4j.examples;

import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.ServerHealth;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.core.status.TrafficRates;
import io.lvs4j.core.status.TrafficStats;
import io.lvs4j.core.status.VrrpCounters;
import io.lvs4j.core.status.VrrpStatus;
import io.lvs4j.core.status.VrrpTransition;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin endpoint's HTML status page, as HAProxy's stats page: every VRRP instance with its
 * state, priority and recent transitions, the adverts of each interface, and every virtual
 * service with its real servers (weight, health, ActiveConn, InActConn, traffic and rates as
 * {@code ipvsadm -Ln --stats --rate}), then the frames dropped. Rendered on the server, no
 * script: the page reloads itself every {@value #REFRESH_SECONDS} seconds. Stateless.
 */
final class StatusPage {

    /** How often the page reloads itself. */
    static final int REFRESH_SECONDS = 2;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
            .meta{color:#666;margin-bottom:1em}
            table{border-collapse:collapse;background:#fff;margin-bottom:.8em;min-width:60%}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;white-space:nowrap}
            th{background:#e8edf3}td.l,th.l{text-align:left}
            tr.service td{background:#dde6f0;font-weight:600}
            .MASTER,.UP{background:#c7ecc7}.BACKUP,.UNCHECKED{background:#eee}
            .FAULT,.DOWN{background:#f5c2c2}.INIT{background:#fbe9b7}
            ul{margin:.2em 0 .8em;padding-left:1.4em}
            """;

    private StatusPage() {
    }

    /**
     * Renders the page.
     *
     * @param status the director's status, rates included
     * @param adverts the VRRP adverts of each interface
     * @param version the lvs4j version to show
     * @param now the time to show as the page's
     * @return the HTML document
     */
    static String render(DirectorStatus status, List<VrrpCounters> adverts, String version, Instant now) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>lvs4j status</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>lvs4j director</h1><div class=\"meta\">lvs4j ").append(escape(version))
                .append(" &middot; ").append(TIME.format(now)).append(" &middot; refreshes every ")
                .append(REFRESH_SECONDS).append(" s &middot; connection table size ")
                .append(status.connectionTableSize())
                .append(" &middot; <a href=\"/status\">JSON</a> <a href=\"/connections\">connections</a>"
                        + " <a href=\"/metrics\">metrics</a></div>\n");
        vrrp(html, status.vrrp(), adverts);
        services(html, status.services());
        drops(html, status.drops());
        return html.append("</body></html>\n").toString();
    }

    private static void vrrp(StringBuilder html, List<VrrpStatus> instances, List<VrrpCounters> adverts) {
        html.append("<h2>VRRP</h2>\n");
        if (instances.isEmpty()) {
            html.append("<p>No VRRP instance: the director serves its VIPs from the start.</p>\n");
            return;
        }
        html.append("<table id=\"vrrp\"><tr><th class=\"l\">Instance</th><th>VRID</th><th class=\"l\">State</th>"
                + "<th>Priority</th><th>Transitions</th><th class=\"l\">Recent transitions</th></tr>\n");
        for (VrrpStatus v : instances) {
            html.append("<tr><td class=\"l\">").append(escape(v.name())).append("</td><td>").append(v.virtualRouterId())
                    .append("</td><td class=\"l ").append(cssClass(v.state())).append("\">").append(escape(v.state()))
                    .append("</td><td>").append(v.priority()).append("</td><td>").append(v.transitions())
                    .append("</td><td class=\"l\">");
            List<VrrpTransition> recent = v.recentTransitions();
            for (int i = recent.size() - 1; i >= 0; i--) {
                VrrpTransition t = recent.get(i);
                html.append(TIME.format(t.at())).append(' ').append(escape(t.from())).append(" &rarr; ")
                        .append(escape(t.to())).append(" (").append(t.priority()).append(')');
                if (i > 0) {
                    html.append("<br>");
                }
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (!adverts.isEmpty()) {
            html.append("<table id=\"adverts\"><tr><th class=\"l\">Interface</th><th>Adverts sent</th>"
                    + "<th>Adverts received</th><th>Dropped</th><th class=\"l\">Dropped by check</th></tr>\n");
            for (VrrpCounters c : adverts) {
                long dropped = c.dropped().values().stream().mapToLong(Long::longValue).sum();
                html.append("<tr><td class=\"l\">").append(escape(c.interfaceName())).append("</td><td>")
                        .append(c.advertsSent()).append("</td><td>").append(c.advertsReceived()).append("</td><td>")
                        .append(dropped).append("</td><td class=\"l\">");
                c.dropped().forEach((check, n) -> {
                    if (n > 0) {
                        html.append(escape(check)).append(' ').append(n).append(' ');
                    }
                });
                html.append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
    }

    private static void services(StringBuilder html, List<ServiceStatus> services) {
        html.append("<h2>Virtual services</h2>\n");
        html.append("<table id=\"services\"><tr><th class=\"l\">Service / real server</th><th class=\"l\">Scheduler"
                + " / forward</th><th>Weight</th><th class=\"l\">Health</th><th>ActiveConn</th><th>InActConn</th>"
                + "<th>Conns</th><th>InPkts</th><th>OutPkts</th><th>InBytes</th><th>OutBytes</th><th>CPS</th>"
                + "<th>InPPS</th><th>OutPPS</th><th>InBPS</th><th>OutBPS</th></tr>\n");
        for (ServiceStatus s : services.stream().sorted(Comparator.comparing(
                (ServiceStatus x) -> IpvsadmFormat.vip(x))).toList()) {
            long active = s.servers().stream().mapToLong(ServerStatus::activeConnections).sum();
            long inactive = s.servers().stream().mapToLong(ServerStatus::inactiveConnections).sum();
            html.append("<tr class=\"service\"><td class=\"l\">").append(s.protocol()).append(' ')
                    .append(escape(IpvsadmFormat.vip(s))).append("</td><td class=\"l\">")
                    .append(escape(s.scheduler()));
            if (s.persistenceTimeout() > 0) {
                html.append(" persistent ").append(s.persistenceTimeout());
            }
            html.append("</td><td></td><td class=\"l\">").append(s.servers().size()).append(" server(s)</td><td>")
                    .append(active).append("</td><td>").append(inactive).append("</td>");
            traffic(html, s.stats(), s.rates());
            html.append("</tr>\n");
            for (ServerStatus r : s.servers().stream().sorted(Comparator.comparing(
                    (ServerStatus x) -> IpvsadmFormat.endpoint(x.address(), x.port()))).toList()) {
                html.append("<tr class=\"server\"><td class=\"l\">&rarr; ")
                        .append(escape(IpvsadmFormat.endpoint(r.address(), r.port()))).append("</td><td class=\"l\">")
                        .append(r.forwarding().ipvsadmName()).append("</td><td>").append(r.weight()).append("</td><td class=\"l ")
                        .append(cssClass(r.health().name())).append("\">").append(health(r.health()))
                        .append("</td><td>").append(r.activeConnections()).append("</td><td>")
                        .append(r.inactiveConnections()).append("</td>");
                traffic(html, r.stats(), r.rates());
                html.append("</tr>\n");
            }
        }
        html.append("</table>\n");
    }

    private static void traffic(StringBuilder html, TrafficStats t, TrafficRates r) {
        for (long value : new long[] {t.connections(), t.inPackets(), t.outPackets(), t.inBytes(), t.outBytes(),
            r.connectionsPerSecond(), r.inPacketsPerSecond(), r.outPacketsPerSecond(), r.inBytesPerSecond(),
            r.outBytesPerSecond()}) {
            html.append("<td>").append(IpvsadmFormat.largeNumber(value).strip()).append("</td>");
        }
    }

    private static void drops(StringBuilder html, Map<DropReason, Long> drops) {
        html.append("<h2>Frames dropped</h2>\n");
        StringBuilder list = new StringBuilder();
        drops.forEach((reason, n) -> {
            if (n > 0) {
                list.append("<li>").append(reason.name().toLowerCase(Locale.ROOT)).append(": ").append(n)
                        .append("</li>");
            }
        });
        html.append(list.isEmpty() ? "<p>None.</p>\n" : "<ul id=\"drops\">" + list + "</ul>\n");
    }

    private static String health(ServerHealth health) {
        return switch (health) {
            case UP -> "UP";
            case DOWN -> "DOWN";
            case UNCHECKED -> "unchecked";
        };
    }

    private static String cssClass(String state) {
        return state.matches("[A-Z]+") ? state : "";
    }

    /**
     * Escapes text for HTML element content and attribute values.
     *
     * @param text the text
     * @return the text with {@code & < > " '} as entities
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
