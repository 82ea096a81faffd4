package io.lvs4j.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ./lvs4j reload}: makes a running director reload its keepalived.conf by sending it
 * SIGHUP, as {@code systemctl reload keepalived} does, then waits for the outcome on its admin
 * endpoint and prints it: exit 0 if the new configuration is applied, 1 if it was refused (its
 * {@code file:line:column} error printed; the director keeps running with the old one).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Makes a running director (./lvs4j run) reload its configuration: sends it SIGHUP,",
            "then prints how the reload went. Exits 0 if applied, 1 if refused (the old one stays)."})
public final class ReloadCommand implements Callable<Integer> {

    private static final int SIGHUP = 1;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "The director's pid file (run --pid-file); default: ask the admin endpoint for the pid.")
    private Path pidFile;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "The director's admin endpoint (default: ${DEFAULT-VALUE}); 'none' to signal without waiting.")
    private String admin = "127.0.0.1:" + AdminServer.DEFAULT_PORT;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT30S",
            description = "How long to wait for the outcome (ISO-8601, default ${DEFAULT-VALUE}).")
    private Duration wait;

    /** Creates the command; picocli fills its fields. */
    public ReloadCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        boolean ask = !"none".equals(admin);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            Reloader.Outcome before = ask ? outcome(client) : null;
            long pid;
            if (pidFile != null) {
                pid = Long.parseLong(Files.readString(pidFile).strip());
            } else if (before != null) {
                pid = before.pid();
            } else {
                return fail("give --pid-file, or an admin endpoint that answers");
            }
            if (kill(pid, SIGHUP) != 0) {
                return fail("cannot signal process " + pid);
            }
            if (before == null) {
                spec.commandLine().getOut().println("SIGHUP sent to " + pid);
                spec.commandLine().getOut().flush();
                return 0;
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() - deadline < 0) {
                Reloader.Outcome now = outcome(client);
                if (now.generation() > before.generation()) {
                    if (!now.ok()) {
                        now.messages().forEach(m -> spec.commandLine().getErr().println(m));
                        return fail("reload refused; the director runs on with its configuration");
                    }
                    spec.commandLine().getOut().println("reloaded (process " + pid + ")");
                    spec.commandLine().getOut().flush();
                    return 0;
                }
                Thread.sleep(100);
            }
            return fail("no outcome within " + wait + " (SIGHUP sent to " + pid + ")");
        } catch (IOException | RuntimeException e) {
            return fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private Reloader.Outcome outcome(HttpClient client) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + admin + "/reload");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body().strip());
        }
        return AdminJson.mapper().readValue(response.body(), Reloader.Outcome.class);
    }

    /** Sends a signal with libc's {@code kill(2)}. @return 0, or -1 if it failed */
    @SuppressWarnings("restricted")
    private static int kill(long pid, int signal) {
        Linker linker = Linker.nativeLinker();
        MethodHandle kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try {
            return (int) kill.invokeExact((int) pid, signal);
        } catch (Throwable e) {
            throw new IllegalStateException("kill failed", e);
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("lvs4j reload: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
