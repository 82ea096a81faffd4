package io.lvs4j.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Prints JMH results as a Markdown table: benchmark and parameters, the median and mean (with
 * JMH's 99.9% error) of the measured iterations, and the bytes allocated per operation when
 * the run had the GC profiler.
 */
public final class ResultTable {

    private static final String ALLOCATION = "gc.alloc.rate.norm";

    private ResultTable() {
    }

    /**
     * Prints the table.
     *
     * @param out where to print
     * @param results the results of a run
     */
    public static void print(PrintStream out, Collection<RunResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "params", "median", "mean ± error", "unit", "B/op"});
        for (RunResult result : results) {
            Result<?> primary = result.getPrimaryResult();
            double allocated = allocation(result);
            rows.add(new String[] {
                shortName(result.getParams()),
                params(result.getParams()),
                number(primary.getStatistics().getPercentile(50)),
                number(primary.getScore()) + " ± " + number(primary.getScoreError()),
                primary.getScoreUnit(),
                Double.isNaN(allocated) ? "" : number(allocated)});
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            out.println(line(rows.get(r), widths));
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int c = 0; c < widths.length; c++) {
                    rule[c] = "-".repeat(widths[c]);
                }
                out.println(line(rule, widths));
            }
        }
    }

    /**
     * Returns the bytes allocated per operation that JMH's GC profiler measured.
     *
     * @param result a benchmark's result
     * @return {@code gc.alloc.rate.norm}, or NaN if the run had no GC profiler
     */
    public static double allocation(RunResult result) {
        for (var entry : result.getSecondaryResults().entrySet()) {
            if (entry.getKey().endsWith(ALLOCATION)) {
                return entry.getValue().getScore();
            }
        }
        return Double.NaN;
    }

    /**
     * Returns the benchmark's class and method without the common package prefix.
     *
     * @param params the benchmark's parameters
     * @return for example {@code sched.SchedulerPickBenchmark.pick}
     */
    public static String shortName(BenchmarkParams params) {
        return params.getBenchmark().replaceFirst("^io\\.lvs4j\\.benchmarks\\.", "");
    }

    /**
     * Returns the benchmark's {@code @Param} values.
     *
     * @param params the benchmark's parameters
     * @return for example {@code scheduler=rr servers=16}
     */
    public static String params(BenchmarkParams params) {
        StringBuilder text = new StringBuilder();
        for (String key : params.getParamsKeys()) {
            text.append(text.isEmpty() ? "" : " ").append(key).append('=').append(params.getParam(key));
        }
        return text.toString();
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double magnitude = Math.abs(value);
        String format = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, value);
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder text = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            boolean left = c < 2;
            String padding = " ".repeat(widths[c] - cell.length());
            text.append(' ').append(left ? cell + padding : padding + cell).append(" |");
        }
        return text.toString();
    }
}
