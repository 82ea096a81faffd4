package io.lvs4j.benchmarks;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with its usual command line and ends with a Markdown table of the results
 * (median of the measured iterations, mean and error, bytes per operation with
 * {@code -prof gc}), ready for {@code benchmarks/README.md}.
 */
public final class BenchmarkTable {

    private BenchmarkTable() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args JMH's command line, for example {@code 'sched\.' -prof gc}
     * @throws RunnerException if JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("benchmarks: " + e.getMessage());
            System.exit(2);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        ResultTable.print(System.out, results);
    }
}
