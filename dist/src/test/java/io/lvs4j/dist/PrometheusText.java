package io.lvs4j.dist;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition, by series ({@code name{labels}} as written), for
 * assertions; promtool is the parser that judges the format.
 */
record PrometheusText(Map<String, Double> samples) {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)");

    static PrometheusText parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return new PrometheusText(samples);
    }

    /** @return the value of one series, which must exist */
    double value(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no series " + series + " in " + samples.keySet());
        }
        return value;
    }

    /** @return the sum over every series of a metric */
    double sum(String name) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** @return the metric names */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String series : samples.keySet()) {
            int brace = series.indexOf('{');
            names.add(brace < 0 ? series : series.substring(0, brace));
        }
        return names;
    }
}
