package io.lvs4j.examples;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ./lvs4j edit}: changes a running director's virtual services and real servers as
 * ipvsadm does ({@code -A/-E/-D} a service, {@code -a/-e/-d} a real server), through its admin
 * endpoint, which takes changes from loopback only. A later reload (SIGHUP) replaces every such
 * change with the configuration, as keepalived does with ipvsadm's.
 */
@Command(name = "edit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Changes a running director's services and real servers, as ipvsadm does.",
            "  lvs4j edit -e -t 198.18.0.10:80 -r 198.18.0.12:80 -w 0   (quiesce: no new connections)",
            "  lvs4j edit -d -t 198.18.0.10:80 -r 198.18.0.12:80        (remove)",
            "A reload of the configuration replaces runtime changes. Exits 0, or 1 if refused."})
public final class EditCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Exactly one of ipvsadm's commands. */
    static final class Commands {
        @Option(names = {"-A", "--add-service"}, required = true, description = "Add a virtual service.")
        boolean addService;
        @Option(names = {"-E", "--edit-service"}, required = true, description = "Change a virtual service.")
        boolean editService;
        @Option(names = {"-D", "--delete-service"}, required = true, description = "Delete a virtual service.")
        boolean deleteService;
        @Option(names = {"-a", "--add-server"}, required = true, description = "Add a real server.")
        boolean addServer;
        @Option(names = {"-e", "--edit-server"}, required = true, description = "Change a real server.")
        boolean editServer;
        @Option(names = {"-d", "--delete-server"}, required = true, description = "Delete a real server.")
        boolean deleteServer;

        String letter() {
            return addService ? "A" : editService ? "E" : deleteService ? "D" : addServer ? "a" : editServer ? "e" : "d";
        }
    }

    /** The service, by protocol. */
    static final class ServiceOption {
        @Option(names = {"-t", "--tcp-service"}, required = true, paramLabel = "VIP:PORT", description = "A TCP service.")
        String tcp;
        @Option(names = {"-u", "--udp-service"}, required = true, paramLabel = "VIP:PORT", description = "A UDP service.")
        String udp;
        @Option(names = {"-f", "--fwmark-service"}, required = true, paramLabel = "MARK",
                description = "A firewall-mark service (IPv4; -A makes it a TCP service, as keepalived's default).")
        String fwmark;

        String protocol() {
            return tcp != null ? "tcp" : udp != null ? "udp" : "fwm";
        }

        String name() {
            return tcp != null ? tcp : udp != null ? udp : fwmark;
        }
    }

    /** The forwarding method. */
    static final class MethodOption {
        @Option(names = {"-g", "--gatewaying"}, required = true, description = "Direct routing (DR).")
        boolean gatewaying;
        @Option(names = {"-m", "--masquerading"}, required = true, description = "NAT.")
        boolean masquerading;
        @Option(names = {"-i", "--ipip"}, required = true, description = "Tunnelling (IP-in-IP).")
        boolean ipip;

        String name() {
            return gatewaying ? "DR" : masquerading ? "NAT" : "TUN";
        }
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Commands command;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ServiceOption service;

    @Option(names = {"-r", "--real-server"}, paramLabel = "RIP[:PORT]",
            description = "The real server (-a, -e, -d); its port defaults to the service's.")
    private String server;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private MethodOption method;

    @Option(names = {"-w", "--weight"}, paramLabel = "W", description = "The real server's weight, 0 to 65535 (0"
            + " quiesces it); default 1.")
    private Integer weight;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "NAME", description = "The service's scheduler (-A: default"
            + " wlc, as ipvsadm).")
    private String scheduler;

    @Option(names = {"-p", "--persistent"}, paramLabel = "TIMEOUT", arity = "0..1", fallbackValue = "300",
            description = "Make the service persistent, TIMEOUT seconds (default 300, as ipvsadm); 0 for none.")
    private Long persistence;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "The director's admin endpoint (default: ${DEFAULT-VALUE}).")
    private String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

    /** Creates the command; picocli fills its fields. */
    public EditCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        String letter = command.letter();
        boolean serverCommand = Character.isLowerCase(letter.charAt(0));
        if (serverCommand && server == null) {
            return fail("-" + letter + " needs -r RIP[:PORT]");
        }
        if (!serverCommand && (server != null || weight != null)) {
            return fail("-" + letter + " takes no -r or -w (those are for -a, -e, -d)");
        }
        EditRequest request = new EditRequest(letter, service.protocol(), service.name(), server, weight,
                method == null ? null : method.name(), scheduler, persistence);
        URI uri = URI.create("http://" + admin + "/edit");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(AdminJson.mapper().writeValueAsString(request)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return fail(response.body().strip());
            }
            spec.commandLine().getOut().print(response.body());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            return fail("no director answers at " + uri + " (" + e.getMessage() + ")");
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("lvs4j edit: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
