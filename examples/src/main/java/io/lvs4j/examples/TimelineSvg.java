package io.lvs4j.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link LabTimeline} as plain SVG: one lane per director with its VRRP states as
 * coloured bars (MASTER green, BACKUP grey, INIT and FAULT amber), one lane of the client's
 * requests (a dot coloured by the real server that answered, a red cross for a failed one),
 * dashed lines where the lab's steps begin, red lines where it acted on a director, a time axis
 * in seconds and a legend. Stateless.
 */
final class TimelineSvg {

    private static final int WIDTH = 1000;
    private static final int LEFT = 120;
    private static final int RIGHT = 20;
    private static final int LANE = 26;
    private static final String[] SERVER_COLOURS = {"#1f77b4", "#ff7f0e", "#9467bd", "#8c564b"};

    private TimelineSvg() {
    }

    /**
     * Renders the timeline.
     *
     * @param data what the lab recorded
     * @return an SVG document
     */
    static String render(LabTimeline.Data data) {
        double end = Math.max(1, Math.ceil(data.end()));
        List<String> directors = new ArrayList<>();
        data.states().forEach(s -> {
            if (!directors.contains(s.director())) {
                directors.add(s.director());
            }
        });
        Map<String, String> colours = new LinkedHashMap<>();
        data.requests().stream().filter(r -> r.answer() != null).map(LabTimeline.Request::answer).sorted().distinct()
                .forEach(a -> colours.put(a, SERVER_COLOURS[colours.size() % SERVER_COLOURS.length]));
        int clientY = 40 + directors.size() * (LANE + 10);
        int axisY = clientY + LANE + 14;
        int legendY = axisY + 40;
        int height = legendY + 22 * 2 + 16 * data.steps().size() + 10;
        StringBuilder svg = new StringBuilder(16384);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">lvs4j lab: VRRP states and the"
                + " client's requests</text>\n");
        for (int i = 0; i < directors.size(); i++) {
            lane(svg, data, directors.get(i), 34 + i * (LANE + 10), end);
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">client</text>%n", clientY + 17));
        for (LabTimeline.Request r : data.requests()) {
            double x = x(r.at(), end);
            int y = clientY + LANE / 2;
            if (r.answer() == null) {
                svg.append(String.format(Locale.ROOT, "<path class=\"failed\" d=\"M%.1f %d l8 8 m0 -8 l-8 8\""
                        + " stroke=\"#d62728\" stroke-width=\"2\"/>%n", x - 4, y - 4));
            } else {
                svg.append(String.format(Locale.ROOT, "<circle class=\"request\" cx=\"%.1f\" cy=\"%d\" r=\"4\""
                        + " fill=\"%s\"/>%n", x, y, colours.get(r.answer())));
            }
        }
        for (LabTimeline.Step s : data.steps()) {
            double x = x(s.at(), end);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"28\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\""
                    + " stroke-dasharray=\"3,3\"/><text x=\"%.1f\" y=\"34\" font-size=\"10\" fill=\"#555\">%d</text>%n",
                    x, x, axisY, x + 2, s.number()));
        }
        for (LabTimeline.Mark m : data.marks()) {
            double x = x(m.at(), end);
            boolean nearEnd = x > WIDTH - RIGHT - 110;
            svg.append(String.format(Locale.ROOT, "<line class=\"mark\" x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"#d62728\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#d62728\""
                    + " text-anchor=\"%s\">%s</text>%n", x, x, axisY, nearEnd ? x - 2 : x + 2, axisY - 2,
                    nearEnd ? "end" : "start", StatusPage.escape(m.text())));
        }
        axis(svg, axisY, end);
        legend(svg, data, colours, legendY);
        return svg.append("</svg>\n").toString();
    }

    private static void lane(StringBuilder svg, LabTimeline.Data data, String director, int y, double end) {
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 17,
                StatusPage.escape(director)));
        List<LabTimeline.State> states = data.states().stream().filter(s -> s.director().equals(director)).toList();
        for (int i = 0; i < states.size(); i++) {
            LabTimeline.State s = states.get(i);
            double to = i + 1 < states.size() ? states.get(i + 1).at() : end;
            double x1 = x(s.at(), end);
            double x2 = x(to, end);
            if (x2 - x1 < 0.5) {
                continue;
            }
            svg.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"/>%n", s.state(), x1, y, x2 - x1, LANE, colour(s.state())));
            if (x2 - x1 > 60) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s"
                        + "</text>%n", x1 + 4, y + 17, s.state().equals("MASTER") ? "#ffffff" : "#222222", s.state()));
            }
        }
    }

    private static void axis(StringBuilder svg, int y, double end) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>%n",
                LEFT, y, WIDTH - RIGHT, y));
        int step = end <= 30 ? 2 : end <= 90 ? 5 : 10;
        for (int t = 0; t <= end; t += step) {
            double x = x(t, end);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d s</text>%n",
                    x, y, x, y + 4, x, y + 16, t));
        }
    }

    private static void legend(StringBuilder svg, LabTimeline.Data data, Map<String, String> colours, int y) {
        int x = 10;
        for (String state : List.of("MASTER", "BACKUP", "INIT")) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y - 10, colour(state), x + 16, y, state));
            x += 90;
        }
        for (Map.Entry<String, String> c : colours.entrySet()) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">answered by %s</text>%n", x + 6, y - 4, c.getValue(), x + 16, y,
                    StatusPage.escape(c.getKey())));
            x += 150;
        }
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %d l8 8 m0 -8 l-8 8\" stroke=\"#d62728\""
                + " stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">no answer</text>%n", x + 2, y - 8, x + 16, y));
        int line = y + 22;
        for (LabTimeline.Step s : data.steps()) {
            String title = s.title().length() > 130 ? s.title().substring(0, 127) + "..." : s.title();
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"11\" fill=\"#555\">%d (%.1f s)"
                    + " %s</text>%n", line, s.number(), s.at(), StatusPage.escape(title)));
            line += 16;
        }
    }

    private static double x(double seconds, double end) {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.min(seconds, end) / end;
    }

    private static String colour(String state) {
        return switch (state) {
            case "MASTER" -> "#2ca02c";
            case "BACKUP" -> "#c7c7c7";
            case "FAULT" -> "#d62728";
            default -> "#f2c14e";
        };
    }
}
