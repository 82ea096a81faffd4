package io.lvs4j.examples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./lvs4j drain [--undo]}: asks a running director to withdraw its BGP announcement
 * while it goes on serving the flows that still reach it (before maintenance), or to announce
 * again; prints the announcement after the change. Exits 0, or 1 if the director cannot be asked
 * or announces nothing.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Withdraws a running director's BGP announcement (bgp_announce); it serves on.",
            "With --undo, announces again what the director can serve."})
public final class DrainCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Option(names = "--undo", description = "End the drain: announce again.")
    private boolean undo;

    @Option(names = {"-a", "--admin"}, paramLabel = "HOST:PORT",
            description = "The director's admin endpoint (default: ${DEFAULT-VALUE}).")
    private String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

    /** Creates the command; picocli fills its fields. */
    public DrainCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        URI uri = URI.create("http://" + admin + (undo ? "/undrain" : "/drain"));
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                spec.commandLine().getErr().printf("lvs4j drain: %s answered %d: %s%n", uri, response.statusCode(),
                        response.body().strip());
                spec.commandLine().getErr().flush();
                return 1;
            }
            spec.commandLine().getOut().print(response.body());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().printf("lvs4j drain: no director answers at %s (%s)%n", uri,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
