package io.dualstream.connect.redis.testing.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The invariants a chaos run must keep, and its figures as a Markdown table (BENCHMARKS.md's form). */
public final class ChaosReport {

    private ChaosReport() {
    }

    /** Every broken invariant, in words; empty when the run kept them all. */
    public static List<String> violations(ChaosRig.Result result) {
        List<String> broken = new ArrayList<>();
        boolean configChanged = false;
        long lostBestEffort = 0;
        long countedBestEffort = 0;
        List<ChaosRig.Outcome> outcomes = result.outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            ChaosRig.Outcome o = outcomes.get(i);
            String where = o.connector() + " (" + o.guarantee() + ") after " + o.fault() + " [" + o.detail() + "]";
            boolean atLeastOnce = "at-least-once".equals(o.guarantee());
            if (o.lost() > 0 && atLeastOnce) {
                broken.add(where + ": " + o.lost() + " events never arrived");
            }
            // Events produced just before a Redis fault may be published (and dropped) in its window.
            boolean redisNear = o.fault().needsRedisFailover() || outcomes.stream().skip(i + 1)
                    .filter(next -> next.connector().equals(o.connector())).findFirst()
                    .map(next -> next.fault().needsRedisFailover()).orElse(false);
            if (o.lost() > 0 && !redisNear) {
                broken.add(where + ": " + o.lost() + " events never arrived while Redis was healthy");
            }
            if (!atLeastOnce) {
                lostBestEffort += o.lost();
                countedBestEffort += o.counted();
            }
            if (o.outOfOrder() > 0) {
                broken.add(where + ": " + o.outOfOrder() + " events first arrived after a later one of their source");
            }
            if (o.fault() == Fault.OFFSET_RESET && o.replayed() < o.replayable()) {
                broken.add(where + ": only " + o.replayed() + " of the " + o.replayable()
                        + " records behind the new offsets were published again");
            }
            configChanged |= o.fault() == Fault.CONFIG_CHANGE;
        }
        // Counted in notifications (with fan-out, one record drops one per channel), lost in events of one channel.
        if (lostBestEffort > countedBestEffort) {
            broken.add("best-effort: " + lostBestEffort + " events never arrived, only " + countedBestEffort
                    + " notifications counted as not published");
        }
        result.committedButUnseen().forEach((connector, unseen) -> {
            if (unseen > 0 && !"be".equals(connector)) {
                broken.add(connector + ": " + unseen + " events below a committed offset never arrived");
            }
        });
        if (!result.regressions().isEmpty()) {
            broken.add("committed offsets went back outside an offset reset: " + result.regressions());
        }
        if (result.unreadable() > 0) {
            broken.add(result.unreadable() + " notifications named no stream, source and sequence number");
        }
        if (configChanged) {
            result.fanOutReceived().forEach((connector, received) -> {
                if (received == 0) {
                    broken.add(connector + ": nothing arrived on the second channel after the config change");
                }
            });
        }
        return broken;
    }

    /** One row per fault and connector. */
    public static String table(ChaosRig.Result result) {
        StringBuilder table = new StringBuilder()
                .append("| Fault | Connector | Tasks RUNNING after | Next commit on every partition after | Backlog "
                        + "committed after | Events | Lost | Duplicates | Unpublished, counted | Resent (at-least-once) "
                        + "| Detail |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ChaosRig.Outcome o : result.outcomes()) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %,d | %,d | %,d | %,d | %s |%n",
                    o.fault(), o.guarantee(), ChaosRig.seconds(o.running()), ChaosRig.seconds(o.commit()),
                    ChaosRig.seconds(o.caughtUp()), o.produced(),
                    o.lost(), o.duplicates(), o.counted(), o.redelivered(),
                    o.detail() + (o.fault() == Fault.OFFSET_RESET ? "; " + o.replayed() + " of " + o.replayable()
                            + " published again" : "")));
        }
        table.append(String.format(Locale.ROOT, "%nProduced %,d events; received %s (fan-out channels: %s); "
                        + "below a committed offset but never seen: %s; committed offsets that went back: %d.%n",
                result.produced(), result.received(), result.fanOutReceived(), result.committedButUnseen(),
                result.regressions().size()));
        return table.toString();
    }

    /** Where each fault's duplicates come from, for the table's readers. */
    public static String reasons(List<Fault> faults) {
        StringBuilder text = new StringBuilder();
        for (Fault fault : faults) {
            text.append("- `").append(fault).append("`: ").append(fault.action()).append(". Duplicates: ")
                    .append(fault.duplicates()).append(".\n");
        }
        return text.toString();
    }
}
