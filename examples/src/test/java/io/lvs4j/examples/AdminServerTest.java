package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.TrafficStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint over loopback: JSON shape, Prometheus text, errors. */
class AdminServerTest {

    private static final long SECOND = 1_000_000_000L;
    /** A sample line of the Prometheus text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)})? "
                    + "(-?[0-9.eE+-]+|NaN|[+-]Inf)");

    private final FakeDirector director = new FakeDirector();
    private final AtomicLong clock = new AtomicLong(1000 * SECOND);
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        client.close();
    }

    private AdminServer start() throws InterruptedException {
        admin = AdminServer.start(director, clock::get, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return admin;
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static AnnouncementStatus announcement(boolean drained) {
        return new AnnouncementStatus("frr", true, drained, List.of(new AnnouncementStatus.Route("198.18.0.10/32",
                !drained, drained ? "drained" : "serving", drained ? 2 : 1)),
                List.of(new AnnouncementStatus.Peer("198.18.0.1", "Established")));
    }

    @Test
    void shouldDrainAndUndrainOnPostAndShowTheAnnouncementInTheStatus() throws Exception {
        director.announcement(announcement(false));
        List<Boolean> asked = new ArrayList<>();
        start().drain(on -> {
            asked.add(on);
            director.announcement(announcement(on));
            return CompletableFuture.completedFuture(announcement(on));
        });

        HttpResponse<String> drained = post("/drain");
        assertEquals(200, drained.statusCode());
        assertEquals(announcement(true).text(), drained.body());
        assertTrue(drained.body().contains("DRAINED") && drained.body().contains("withdrawn (drained"),
                drained.body());
        assertTrue(AdminJson.mapper().readValue(get("/status").body(), DirectorStatus.class).announcement().drained());

        HttpResponse<String> back = post("/undrain");
        assertEquals(200, back.statusCode());
        assertTrue(back.body().contains("announced (serving") && !back.body().contains("DRAINED"), back.body());
        assertEquals(announcement(false), AdminJson.mapper().readValue(get("/status").body(), DirectorStatus.class)
                .announcement());
        assertEquals(List.of(true, false), asked);
    }

    @Test
    void shouldRefuseToDrainADirectorThatAnnouncesNothing() throws Exception {
        start().drain(on -> CompletableFuture.failedFuture(new IllegalStateException("not called")));
        HttpResponse<String> response = post("/drain");
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("announces nothing"), response.body());
        assertEquals(405, post("/status").statusCode());
    }

    @Test
    void shouldServeTheStatusAsJsonWithRates() throws Exception {
        start();
        director.traffic(new TrafficStats(0, 0, 0, 0, 0), new TrafficStats(0, 0, 0, 0, 0));
        director.traffic(new TrafficStats(20, 200, 0, 20_000, 0), new TrafficStats(40, 400, 0, 40_000, 0));
        clock.addAndGet(2 * SECOND);
        admin.sampleRates();

        HttpResponse<String> response = get("/status");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode json = AdminJson.mapper().readTree(response.body());
        assertEquals(4096, json.get("connectionTableSize").asInt());
        JsonNode service = json.get("services").get(0);
        assertEquals("TCP", service.get("protocol").asText());
        assertEquals("198.18.0.10", service.get("address").asText());
        assertEquals(80, service.get("port").asInt());
        assertEquals("rr", service.get("scheduler").asText());
        assertEquals(60, service.get("stats").get("connections").asLong());
        // 60 connections in 2 s, IPVS's first average: 30/4 = 7.5, read as 7 (the kernel adds
        // 0x1FF, one short of a half, before shifting).
        assertEquals(7, service.get("rates").get("connectionsPerSecond").asLong());
        JsonNode server = service.get("servers").get(1);
        assertEquals("198.18.0.11", server.get("address").asText());
        assertEquals("DIRECT_ROUTE", server.get("forwarding").asText());
        assertEquals("DOWN", server.get("health").asText());
        assertEquals(2, server.get("inactiveConnections").asInt());
        assertEquals(3, json.get("drops").get("ETHERNET_TRUNCATED").asLong());
        assertEquals("MASTER", json.get("vrrp").get(0).get("state").asText());
    }

    @Test
    void shouldServeConnectionsAsJson() throws Exception {
        start();

        HttpResponse<String> response = get("/connections");

        JsonNode json = AdminJson.mapper().readTree(response.body());
        assertEquals(200, response.statusCode());
        assertEquals(2, json.size());
        assertEquals("198.18.0.2", json.get(0).get("client").asText());
        assertEquals("ESTABLISHED", json.get(0).get("state").asText());
        assertEquals(899_000_000_000L, json.get(0).get("expiresInNanos").asLong());
    }

    @Test
    void shouldServeParseablePrometheusText() throws Exception {
        start();
        director.traffic(new TrafficStats(5, 50, 0, 5_000, 0), new TrafficStats(7, 70, 0, 7_000, 0));

        HttpResponse<String> response = get("/metrics");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                assertTrue(line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), () -> "not a Prometheus sample: " + line);
            samples.put(m.group(1) + "{" + (m.group(3) == null ? "" : m.group(3)) + "}", Double.parseDouble(m.group(4)));
        }
        assertEquals(12.0, samples.get("lvs_service_connections_total{protocol=\"tcp\",vip=\"198.18.0.10:80\"}"));
        assertEquals(7000.0, samples.get("lvs_server_bytes_total{direction=\"in\",protocol=\"tcp\","
                + "server=\"198.18.0.12:80\",vip=\"198.18.0.10:80\"}"));
        assertEquals(7.0, samples.get("lvs_server_connections_inactive_connections{protocol=\"tcp\","
                + "server=\"198.18.0.12:80\",vip=\"198.18.0.10:80\"}"));
        assertEquals(0.0, samples.get("lvs_server_up{protocol=\"tcp\",server=\"198.18.0.11:80\",vip=\"198.18.0.10:80\"}"));
        assertEquals(3.0, samples.get("lvs_drops_frames_total{reason=\"ethernet_truncated\"}"));
        assertEquals(1.0, samples.get("lvs_vrrp_state{instance=\"VI_1\",state=\"MASTER\"}"));
        assertEquals(1.0, samples.get("lvs_vrrp_transitions_total{instance=\"VI_1\"}"));
    }

    @Test
    void shouldAnswerNotFoundAndMethodNotAllowed() throws Exception {
        start();
        URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + "/status");

        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(404, get("/nothing").statusCode());
        assertEquals(405, post.statusCode());
    }

    @Test
    void shouldRefuseANonLoopbackAddress() {
        assertThrows(IllegalArgumentException.class, () -> AdminServer.start(director,
                new InetSocketAddress(InetAddress.ofLiteral("198.18.0.8"), 0)));
    }
}
