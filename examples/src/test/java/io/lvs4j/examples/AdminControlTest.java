package io.lvs4j.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The admin endpoint's control routes beside its status routes, over loopback. */
class AdminControlTest {

    private final List<String> seen = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        client.close();
    }

    private void start() throws InterruptedException {
        admin = AdminServer.start(new FakeDirector(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (method, path, body) -> {
                    if (!path.equals("/edit")) {
                        return null;
                    }
                    seen.add(method + " " + body);
                    return AdminControl.Answer.text(200, "done");
                });
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String path) throws Exception {
        return client.send(request.uri(URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldHandTheControlsRequestsToItAndServeTheStatusAsBefore() throws Exception {
        start();
        HttpResponse<String> edit = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{}")), "/edit");
        assertEquals(200, edit.statusCode());
        assertEquals("done\n", edit.body());
        assertEquals(List.of("POST {}"), seen, "a loopback peer may change things");

        assertEquals(200, send(HttpRequest.newBuilder().GET(), "/status").statusCode(), "the status still served");
        assertEquals(405, send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("")), "/status")
                .statusCode(), "what the control does not take is refused as before");
        assertEquals(404, send(HttpRequest.newBuilder().GET(), "/nothing").statusCode());
    }
}
