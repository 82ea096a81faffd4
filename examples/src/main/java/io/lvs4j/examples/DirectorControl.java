package io.lvs4j.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lvs4j.transport.epoll.Director;
import io.lvs4j.transport.epoll.PacketDirector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code ./lvs4j run}'s control on its admin endpoint:
 * <ul>
 *   <li>{@code POST /edit}: a runtime change ({@link EditRequest} as JSON), as ipvsadm makes one;
 *       200 with what was done, 400 with why not;</li>
 *   <li>{@code GET /reload}: how the last reload went ({@link Reloader.Outcome}) and the process
 *       id that {@code ./lvs4j reload} signals;</li>
 *   <li>{@code GET /loops}: each event loop's share of the connections
 *       ({@link PacketDirector.LoopStatistics}).</li>
 * </ul>
 */
final class DirectorControl implements AdminControl {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorControl.class);

    private final Director director;
    private final Reloader reloader;

    DirectorControl(Director director, Reloader reloader) {
        this.director = director;
        this.reloader = reloader;
    }

    @Override
    public Answer handle(String method, String path, String body) {
        return switch (path) {
            case "/edit" -> "POST".equals(method) ? edit(body) : Answer.text(405, "POST only");
            case "/reload" -> "GET".equals(method) ? json(reloader.last()) : Answer.text(405,
                    "GET only; to reload, signal the director (./lvs4j reload, kill -HUP)");
            case "/loops" -> "GET".equals(method) ? json(loops()) : Answer.text(405, "GET only");
            default -> null;
        };
    }

    private List<PacketDirector.LoopStatistics> loops() {
        PacketDirector data = director.dataPath();
        return data == null ? List.of() : data.loopStatistics();
    }

    private Answer edit(String body) {
        EditRequest request;
        try {
            request = AdminJson.mapper().readValue(body, EditRequest.class);
        } catch (JsonProcessingException e) {
            return Answer.text(400, "not an edit request: " + e.getOriginalMessage());
        }
        try {
            return Answer.text(200, request.apply(director.changes()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("runtime change refused: {}", e.getMessage());
            return Answer.text(400, e.getMessage());
        }
    }

    private static Answer json(Object value) {
        try {
            return new Answer(200, "application/json", AdminJson.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            return Answer.text(500, e.toString());
        }
    }
}
