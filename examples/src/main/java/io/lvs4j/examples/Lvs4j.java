package io.lvs4j.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code ./lvs4j} command line: the sample director and its tools. */
@Command(name = "lvs4j", mixinStandardHelpOptions = true, version = "lvs4j 0.1.0",
        description = "Layer-4 load balancing with IPVS's schedulers and Keepalived's VRRP, in Java.",
        subcommands = {CommandLine.HelpCommand.class, ScheduleCommand.class, CheckConfig.class, RunCommand.class,
            Status.class, DrainCommand.class, LabCommand.class, RealServerCommand.class})
public final class Lvs4j implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Creates the top-level command; picocli fills it. */
    public Lvs4j() {
    }

    /**
     * Runs the command line and exits with its code (2 for bad arguments).
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Makes the command line. A bad argument prints one line on standard error, naming the
     * command and the problem, and gives exit code 2.
     *
     * @return the command line, with every subcommand
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Lvs4j());
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            String command = failed.getParent() == null ? failed.getCommandName()
                    : failed.getParent().getCommandName() + " " + failed.getCommandName();
            String message = String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ");
            failed.getErr().println(command + ": " + message + " (see --help)");
            failed.getErr().flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command, for example: lvs4j schedule");
    }
}
