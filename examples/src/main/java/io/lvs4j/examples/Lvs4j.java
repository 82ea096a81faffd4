package io.lvs4j.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./lvs4j} command line: the sample director and its tools. */
@Command(name = "lvs4j", mixinStandardHelpOptions = true, version = "lvs4j 0.1.0",
        description = "Layer-4 load balancing with IPVS's schedulers and Keepalived's VRRP, in Java.",
        subcommands = {CommandLine.HelpCommand.class, CheckConfig.class, Status.class})
public final class Lvs4j {

    /**
     * Runs the command line and exits with its code (2 for bad arguments).
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the command line, with every subcommand */
    public static CommandLine commandLine() {
        return new CommandLine(new Lvs4j());
    }
}
