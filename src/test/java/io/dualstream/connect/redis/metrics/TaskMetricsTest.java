package io.dualstream.connect.redis.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import io.dualstream.connect.redis.testing.TaskContextStub;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the task's metrics go: the worker's plugin metrics when it has them, a private JMX registry otherwise. */
class TaskMetricsTest {

    @Test
    void registersWithTheWorkersPluginMetricsUnderTheTaskTags() {
        try (Metrics worker = new Metrics()) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("connector", "c1");
            tags.put("task", "0");
            AtomicLong published = new AtomicLong();
            TaskMetrics metrics = TaskMetrics.register(new TaskContextStub(false, new PluginMetricsImpl(worker, tags)), "c1");
            metrics.gauge("notifications-published-total", "published", published::get);
            metrics.pipelineLatency(3_000_000);
            metrics.pipelineLatency(1_000_000);

            published.set(42);
            assertEquals(42.0, value(worker, "notifications-published-total", tags), "read when asked, not copied");
            assertEquals(3.0, value(worker, "pipeline-latency-max", tags));
            assertEquals(2.0, value(worker, "pipeline-latency-avg", tags));

            metrics.close();
            assertFalse(worker.metrics().containsKey(new MetricName("notifications-published-total", "plugins", "", tags)),
                    "a stopped task removes its metrics");
        }
    }

    @Test
    void twoTasksInOneWorkerKeepTheirStatisticsApart() {
        try (Metrics worker = new Metrics()) {
            Map<String, String> task0 = new LinkedHashMap<>(Map.of("connector", "c1"));
            task0.put("task", "0");
            Map<String, String> task1 = new LinkedHashMap<>(Map.of("connector", "c1"));
            task1.put("task", "1");
            TaskMetrics first = TaskMetrics.register(new TaskContextStub(false, new PluginMetricsImpl(worker, task0)), "c1");
            TaskMetrics second = TaskMetrics.register(new TaskContextStub(false, new PluginMetricsImpl(worker, task1)), "c1");

            first.pipelineLatency(5_000_000);
            second.pipelineLatency(1_000_000);

            assertEquals(5.0, value(worker, "pipeline-latency-max", task0));
            assertEquals(1.0, value(worker, "pipeline-latency-max", task1));
            first.close();
            second.close();
        }
    }

    /**
     * Seen with three stock 4.3.1 workers and a broker restart: the worker timed out stopping a task, started it
     * again while the old instance still held its plugin metrics, and the new one died with "A metric named ...
     * already exists". The new instance must run, reporting privately.
     */
    @Test
    void aTaskStartedAgainWhileItsEarlierInstanceStillHoldsTheNamesRunsAndReportsPrivately() throws Exception {
        try (Metrics worker = new Metrics()) {
            Map<String, String> tags = new LinkedHashMap<>(Map.of("connector", "restarted"));
            tags.put("task", "1");
            TaskMetrics stuck = TaskMetrics.register(new TaskContextStub(false, new PluginMetricsImpl(worker, tags)), "restarted");
            stuck.gauge("records-received-total", "received", () -> 1);

            TaskMetrics again = TaskMetrics.register(new TaskContextStub(false, new PluginMetricsImpl(worker, tags)), "restarted");
            again.gauge("records-received-total", "received", () -> 2);
            again.pipelineLatency(4_000_000);

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = jmx.queryNames(new ObjectName(TaskMetrics.FALLBACK_JMX_PREFIX + ":type="
                    + TaskMetrics.FALLBACK_GROUP + ",connector=restarted,*"), null);
            try {
                assertEquals(1, names.size(), names.toString());
                assertEquals(2.0, jmx.getAttribute(names.iterator().next(), "records-received-total"));
                assertEquals(4.0, jmx.getAttribute(names.iterator().next(), "pipeline-latency-max"));
                assertEquals(1.0, value(worker, "records-received-total", tags), "the earlier instance keeps its own");
            } finally {
                again.close();
                stuck.close();
            }
            assertFalse(worker.metrics().containsKey(new MetricName("records-received-total", "plugins", "", tags)));
        }
    }

    private static double value(Metrics worker, String name, Map<String, String> tags) {
        return (Double) worker.metric(new MetricName(name, "plugins", "", tags)).metricValue();
    }

    @Test
    void anOlderWorkerGetsThemInAPrivateJmxRegistry() throws Exception {
        AtomicLong received = new AtomicLong(7);
        TaskMetrics metrics = TaskMetrics.register(new TaskContextStub(false, null), "old-worker");
        metrics.gauge("records-received-total", "received", received::get);
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName(
                TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.FALLBACK_GROUP + ",connector=old-worker,*"), null);
        try {
            assertEquals(1, names.size(), names.toString());
            assertEquals(7.0, jmx.getAttribute(names.iterator().next(), "records-received-total"));
        } finally {
            metrics.close();
        }
        assertFalse(jmx.isRegistered(names.iterator().next()), "closing unregisters the MBean");
        assertTrue(names.iterator().next().getKeyProperty("task-instance") != null);
    }
}
