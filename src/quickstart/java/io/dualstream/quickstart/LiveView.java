package io.dualstream.quickstart;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws what the quickstart sees: a full-screen view redrawn in place on a terminal, or one progress line
 * every few seconds when the output is a file or a pipe (CI, tests).
 */
public final class LiveView {

    /** What does not change while the quickstart runs: where things are, for the header and the hints. */
    public record Setup(String kafka, String topic, int partitions, String restUrl, String connector,
                        RedisDeployment redis, int rate, URI pageUrl) {
    }

    private static final String CLEAR_AND_HOME = "\u001b[H\u001b[2J";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final PrintStream out;
    private final boolean ansi;
    private final Setup setup;
    private final long startMillis;
    private long lastCount;
    private long lastMillis;

    public LiveView(PrintStream out, boolean ansi, Setup setup, long startMillis) {
        this.out = out;
        this.ansi = ansi;
        this.setup = setup;
        this.startMillis = startMillis;
        this.lastMillis = System.currentTimeMillis();
    }

    /** How often {@link #draw} should be called. */
    public Duration interval() {
        return ansi ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
    }

    public void draw(LiveStats stats, long produced, String connectorState, long nowMillis) {
        long received = stats.received();
        double perSecond = (received - lastCount) * 1000.0 / Math.max(1, nowMillis - lastMillis);
        lastCount = received;
        lastMillis = nowMillis;
        if (ansi) {
            out.print(CLEAR_AND_HOME + String.join("\n", screen(stats, produced, perSecond, connectorState, nowMillis)) + "\n");
        } else {
            out.println(progressLine(stats, produced, perSecond, connectorState, nowMillis));
        }
        out.flush();
    }

    private List<String> screen(LiveStats stats, long produced, double perSecond, String state, long nowMillis) {
        List<String> lines = new ArrayList<>();
        lines.add(bold("Kafka Connect Redis Pub/Sub sink: quickstart") + "   running " + clock(nowMillis - startMillis));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "  Kafka      %s, topic %s (%d partitions)", setup.kafka(), setup.topic(),
                setup.partitions()));
        lines.add(String.format(Locale.ROOT, "  Connect    %s, connector %s: %s", setup.restUrl(), setup.connector(), state));
        lines.add("  Redis      " + setup.redis().headline());
        lines.add("  Browser    " + setup.pageUrl() + " (live page: notifications from Redis, events from Kafka)");
        lines.add("");
        lines.add(String.format(Locale.ROOT, "  events produced   %,10d   (%d/s)", produced, setup.rate()));
        lines.add(String.format(Locale.ROOT, "  notifications     %,10d   %8.1f/s   on %d channels", stats.received(),
                perSecond, stats.channels()));
        lines.add("  latency           last 10 s: " + recentLatency(stats, nowMillis) + ";  since start: " + latency(stats));
        lines.add("                    (from the Kafka record timestamp to receipt by the subscriber)");
        lines.add("");
        lines.add("  busiest channels");
        for (LiveStats.ChannelCount channel : stats.busiest(5)) {
            lines.add(String.format(Locale.ROOT, "    %-34s %,8d", channel.channel(), channel.count()));
        }
        lines.add("");
        lines.add("  Try in another terminal (or open " + setup.pageUrl() + "):");
        lines.add("    curl -s " + setup.restUrl() + "/connectors/" + setup.connector() + "/status");
        lines.add("    " + setup.redis().subscriberHint());
        lines.add("");
        lines.add("  Ctrl-C stops everything.");
        return lines;
    }

    private String progressLine(LiveStats stats, long produced, double perSecond, String state, long nowMillis) {
        List<LiveStats.ChannelCount> top = stats.busiest(1);
        return String.format(Locale.ROOT, "[%s] produced %,d, notifications %,d (%.1f/s), latency (last 10 s) %s, connector %s%s",
                clock(nowMillis - startMillis), produced, stats.received(), perSecond, recentLatency(stats, nowMillis), state,
                top.isEmpty() ? "" : ", busiest " + top.get(0).channel() + " (" + top.get(0).count() + ")");
    }

    /** The closing summary, printed once everything has stopped. */
    public void summary(LiveStats stats, long produced, long failedSends, long nowMillis, List<String> stopped) {
        long elapsed = nowMillis - startMillis;
        out.println();
        out.println(bold("Quickstart summary"));
        out.println(String.format(Locale.ROOT, "  ran for                  %s", clock(elapsed)));
        out.println(String.format(Locale.ROOT, "  events produced          %,d%s", produced,
                failedSends > 0 ? " (" + failedSends + " sends failed)" : ""));
        out.println(String.format(Locale.ROOT, "  notifications received   %,d on %d channels", stats.received(),
                stats.channels()));
        if (stats.firstAtMillis() >= 0) {
            out.println(String.format(Locale.ROOT, "  first notification after %.1f s", (stats.firstAtMillis() - startMillis) / 1000.0));
        }
        out.println("  latency                  " + latency(stats) + " (whole run, Kafka record timestamp to receipt)");
        out.println("  busiest channels");
        for (LiveStats.ChannelCount channel : stats.busiest(3)) {
            out.println(String.format(Locale.ROOT, "    %-34s %,8d", channel.channel(), channel.count()));
        }
        out.println("  stopped: " + String.join(", ", stopped));
        out.flush();
    }

    private static String recentLatency(LiveStats stats, long nowMillis) {
        long[] recent = stats.recentLatencyPercentiles(nowMillis);
        return recent == null ? "p50 -, p99 -" : "p50 " + recent[0] + " ms, p99 " + recent[1] + " ms";
    }

    private static String latency(LiveStats stats) {
        long p50 = stats.latencyPercentile(50);
        return p50 < 0 ? "p50 -, p99 -" : "p50 " + p50 + " ms, p99 " + stats.latencyPercentile(99) + " ms";
    }

    private String bold(String text) {
        return ansi ? BOLD + text + RESET : text;
    }

    private static String clock(long millis) {
        long seconds = millis / 1000;
        return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }
}
