package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code ./lvs4j lab down}: stops a lab left up with {@code --keep} and removes stale lab namespaces. */
@picocli.CommandLine.Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops a lab left up by `lvs4j lab --keep` and removes namespaces of earlier labs.")
public final class LabDown implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli fills its fields. */
    public LabDown() {
    }

    /**
     * Stops the lab process, then deletes every remaining lab namespace.
     *
     * @return 0 when nothing of a lab is left
     */
    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path state = LabCommand.stateFile();
        if (Files.isRegularFile(state)) {
            String[] fields = Files.readString(state).strip().split(" ");
            long pid = Long.parseLong(fields[1]);
            ProcessHandle.of(pid).ifPresent(p -> {
                out.println("stopping lab " + fields[0] + " (pid " + pid + ")");
                p.destroy();
                try {
                    p.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
            Files.deleteIfExists(state);
        }
        int removed = 0;
        for (String line : Command.run("ip", "netns", "list").stdout().split("\\R")) {
            String name = line.split(" ")[0];
            if (name.matches("lvs4j-[a-z0-9]+-lab[0-9a-f]{6}")) {
                for (String pid : Command.run("ip", "netns", "pids", name).stdout().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Command.run("ip", "netns", "del", name);
                removed++;
            }
        }
        out.println(removed == 0 ? "no lab namespaces left" : "removed " + removed + " lab namespace(s)");
        out.flush();
        return 0;
    }
}
