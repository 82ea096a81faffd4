package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.TrafficStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTML status page shows what the director's status holds, escaped, and reloads itself. */
class StatusPageTest {

    private final FakeDirector director = new FakeDirector();

    private String page() {
        director.traffic(new TrafficStats(5, 50, 0, 5_000, 0), new TrafficStats(1_234_567_890, 70, 0, 7_000, 0));
        return StatusPage.render(DirectorStatus.of(director), director.vrrpCounters(), "9.9.9",
                Instant.parse("2026-01-01T12:00:05Z"));
    }

    @Test
    void shouldReloadItselfWithoutAnyScript() {
        String html = page();

        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"2\">"), html);
        assertFalse(html.contains("<script"), "server-rendered, no script");
        assertTrue(html.contains("lvs4j 9.9.9"), html);
    }

    @Test
    void shouldShowEveryServerWithWeightHealthAndConnections() {
        String html = page();

        assertTrue(html.contains("TCP 198.18.0.10:80</td><td class=\"l\">rr"), html);
        assertTrue(html.contains("&rarr; 198.18.0.11:80</td><td class=\"l\">Route</td><td>0</td>"
                + "<td class=\"l DOWN\">DOWN</td><td>0</td><td>2</td><td>5</td>"), html);
        assertTrue(html.contains("&rarr; 198.18.0.12:80</td><td class=\"l\">Route</td><td>1</td>"
                + "<td class=\"l UP\">UP</td><td>1</td><td>7</td><td>1234M</td>"), "ipvsadm's M suffix: " + html);
        assertTrue(html.indexOf("198.18.0.11:80") < html.indexOf("198.18.0.12:80"), "servers in address order");
        assertTrue(html.contains("<td>1</td><td>9</td>"), "the service's ActiveConn and InActConn sums: " + html);
    }

    @Test
    void shouldShowVrrpStateTransitionsAdvertsAndDrops() {
        String html = page();

        assertTrue(html.contains("<td class=\"l\">VI_1</td><td>51</td><td class=\"l MASTER\">MASTER</td>"
                + "<td>100</td><td>1</td>"), html);
        assertTrue(html.matches("(?s).*\\d\\d:\\d\\d:\\d\\d BACKUP &rarr; MASTER \\(100\\).*"), html);
        assertTrue(html.contains("<td class=\"l\">eth0</td><td>120</td><td>3</td><td>2</td>"
                + "<td class=\"l\">bad_auth 2 </td>"), html);
        assertTrue(html.contains("<li>ethernet_truncated: 3</li>"), html);
    }

    @Test
    void shouldEscapeWhatTheConfigurationNames() {
        assertEquals("&lt;b&gt;VI &amp; &quot;x&quot; &#39;y&#39;&lt;/b&gt;", StatusPage.escape("<b>VI & \"x\" 'y'</b>"));
        String html = StatusPage.render(new DirectorStatus(0, List.of(), java.util.Map.of(),
                List.of(new io.lvs4j.core.status.VrrpStatus("<i>VI</i>", 1, "BACKUP", 90, 0))), List.of(), "1",
                Instant.EPOCH);
        assertTrue(html.contains("&lt;i&gt;VI&lt;/i&gt;"), html);
        assertFalse(html.contains("<i>VI"), html);
    }
}
