package io.dualstream.connect.redis.testing.chaos;

import io.dualstream.connect.redis.testing.StockWorker;

import javax.management.ObjectName;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector's own counters of what it did not publish, read from every responsive worker's JMX as an operator's
 * scraper would, every second: a task's counters start again at 0 when it is restarted, so each task's last value
 * is banked when its counter goes back, and a killed worker's tasks count with their last reading.
 */
final class TaskCounters {

    /** Notifications not published, each with a counter: what best-effort may lose, and must count. */
    static final List<String> UNPUBLISHED = List.of("notifications-dropped-total", "records-skipped-malformed-total",
            "records-skipped-stale-total");
    /** Notifications published again by an at-least-once task after a failed attempt. */
    static final String REDELIVERED = "notifications-redelivered-total";
    private static final List<String> READ = List.of(UNPUBLISHED.get(0), UNPUBLISHED.get(1), UNPUBLISHED.get(2),
            REDELIVERED);

    private record Reading(String connector, String attribute) {
    }

    /** Per worker process and task MBean, the last reading; per connector and attribute, what was banked. */
    private final Map<String, Double> last = new HashMap<>();
    private final Map<Reading, Double> banked = new HashMap<>();
    private final Map<String, Reading> readings = new HashMap<>();

    synchronized void sample(StockWorker worker) throws IOException {
        Map<ObjectName, Map<String, Double>> tasks = new HashMap<>(
                worker.numbers("kafka.connect:type=plugins,connector=*,task=*", READ));
        // A task started again while its earlier instance still held the plugin metrics reports privately.
        tasks.putAll(worker.numbers("io.dualstream.connect.redis:type=redis-pubsub-sink-task,*", READ));
        for (Map.Entry<ObjectName, Map<String, Double>> task : tasks.entrySet()) {
            String connector = task.getKey().getKeyProperty("connector");
            for (Map.Entry<String, Double> value : task.getValue().entrySet()) {
                String id = worker.pid() + "/" + task.getKey() + "/" + value.getKey();
                Reading reading = readings.computeIfAbsent(id, i -> new Reading(connector, value.getKey()));
                Double previous = last.put(id, value.getValue());
                if (previous != null && value.getValue() < previous) {
                    banked.merge(reading, previous, Double::sum); // the task started again from 0
                }
            }
        }
    }

    /** The total of {@code attribute} over every task of {@code connector} that was ever read. */
    synchronized long total(String connector, String attribute) {
        double sum = banked.getOrDefault(new Reading(connector, attribute), 0.0);
        for (Map.Entry<String, Double> value : last.entrySet()) {
            if (readings.get(value.getKey()).equals(new Reading(connector, attribute))) {
                sum += value.getValue();
            }
        }
        return Math.round(sum);
    }

    synchronized long unpublished(String connector) {
        return UNPUBLISHED.stream().mapToLong(attribute -> total(connector, attribute)).sum();
    }
}
