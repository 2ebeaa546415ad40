package io.dualstream.connect.redis.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The task's metrics. Registered through the worker's plugin metrics (KIP-877, Kafka 4.1+), so they appear
 * wherever the worker reports its own metrics, under JMX {@code kafka.connect:type=plugins,connector=NAME,task=N}.
 * On older workers they go to a private registry with its own JMX reporter, under
 * {@value #FALLBACK_JMX_PREFIX}{@code :type=}{@value #FALLBACK_GROUP}{@code ,connector=NAME,task-instance=N}; so do
 * they when an earlier instance of the same task still holds the plugin metrics' names (see {@link #register}).
 *
 * <p>Totals read the task's own counters when the metric is read, so the hot path only pays for the few
 * windowed statistics, recorded once per batch.
 */
public final class TaskMetrics implements AutoCloseable {

    public static final String FALLBACK_JMX_PREFIX = "io.dualstream.connect.redis";
    public static final String FALLBACK_GROUP = "redis-pubsub-sink-task";

    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Where the metrics live: the worker's plugin metrics or a private registry. */
    private interface Registry extends AutoCloseable {
        /** Sensors live in the worker's shared registry under their bare name, so each task needs its own names. */
        MetricName name(String name, String description);

        void gauge(MetricName name, Measurable value);

        Sensor sensor(String name);

        @Override
        void close();
    }

    private final Registry registry;
    private final Sensor pipelineLatency;
    private final Sensor recordAgeAvg;
    private final Sensor recordAgeMax;

    private TaskMetrics(Registry registry, String sensorPrefix) {
        this.registry = registry;
        pipelineLatency = registry.sensor(sensorPrefix + "pipeline-latency");
        pipelineLatency.add(registry.name("pipeline-latency-avg",
                "The average time one batch's PUBLISH pipeline took, in milliseconds, including failed attempts"), new Avg());
        pipelineLatency.add(registry.name("pipeline-latency-max",
                "The longest time one batch's PUBLISH pipeline took, in milliseconds, including failed attempts"), new Max());
        recordAgeAvg = registry.sensor(sensorPrefix + "record-age-at-publish-avg");
        recordAgeAvg.add(registry.name("record-age-at-publish-avg",
                "The average age of published records (publish time minus record timestamp), in milliseconds"), new Avg());
        recordAgeMax = registry.sensor(sensorPrefix + "record-age-at-publish-max");
        recordAgeMax.add(registry.name("record-age-at-publish-max",
                "The greatest age of a published record (publish time minus record timestamp), in milliseconds"), new Max());
    }

    /** Registers with the worker's plugin metrics, or privately with JMX when the worker predates KIP-877. */
    public static TaskMetrics register(SinkTaskContext context, String connectorName) {
        PluginMetrics plugin = null;
        try {
            plugin = context == null ? null : context.pluginMetrics();
        } catch (LinkageError | UnsupportedOperationException olderWorker) {
            // AbstractMethodError / NoSuchMethodError: the worker's context was compiled before pluginMetrics() existed.
        }
        String instance = Integer.toString(INSTANCES.incrementAndGet());
        String sensorPrefix = "redis-pubsub-sink:" + connectorName + ":" + instance + ":";
        if (plugin != null) {
            PluginRegistry shared = new PluginRegistry(plugin);
            try {
                return new TaskMetrics(shared, sensorPrefix);
            } catch (IllegalArgumentException taken) {
                // "A metric named ... already exists": an earlier instance of this task still runs in this worker.
                // The worker starts a task again when stopping it timed out (a put() or a commit that outlived
                // task.shutdown.graceful.timeout.ms, a broker restart); the old one keeps the names until it ends.
                // Failing here would leave the task FAILED for good, so this instance reports privately instead.
                shared.close();
                log.warn("Task metrics of connector {} are still registered by an earlier instance of this task "
                        + "whose stop timed out; this instance's metrics are in JMX as {}:type={},connector={},"
                        + "task-instance={} until the task is restarted", connectorName, FALLBACK_JMX_PREFIX,
                        FALLBACK_GROUP, connectorName, instance);
                return new TaskMetrics(new PrivateRegistry(connectorName, instance), sensorPrefix);
            }
        }
        log.info("This Connect worker has no plugin metrics (KIP-877, Kafka 4.1+); the task's metrics are in JMX as "
                + "{}:type={},connector={},task-instance={}", FALLBACK_JMX_PREFIX, FALLBACK_GROUP, connectorName, instance);
        return new TaskMetrics(new PrivateRegistry(connectorName, instance), sensorPrefix);
    }

    /** A total or gauge computed from the task's own counter whenever the metric is read. */
    public void gauge(String name, String description, LongSupplier value) {
        registry.gauge(registry.name(name, description), (config, now) -> value.getAsLong());
    }

    public void pipelineLatency(long nanos) {
        pipelineLatency.record(nanos / 1_000_000.0);
    }

    public void recordAge(double averageMs, long maxMs) {
        recordAgeAvg.record(averageMs);
        recordAgeMax.record(maxMs);
    }

    @Override
    public void close() {
        registry.close();
    }

    private static final class PluginRegistry implements Registry {
        private final PluginMetrics metrics;
        private final List<String> sensors = new ArrayList<>();
        private final List<MetricName> gauges = new ArrayList<>();

        PluginRegistry(PluginMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public MetricName name(String name, String description) {
            return metrics.metricName(name, description, new LinkedHashMap<>());
        }

        @Override
        public void gauge(MetricName name, Measurable value) {
            metrics.addMetric(name, value);
            gauges.add(name);
        }

        @Override
        public Sensor sensor(String name) {
            sensors.add(name);
            return metrics.addSensor(name);
        }

        @Override
        public void close() {
            // The worker closes plugin metrics with the task; removing them here keeps a restarted task clean too.
            try {
                gauges.forEach(metrics::removeMetric);
                sensors.forEach(metrics::removeSensor);
            } catch (IllegalStateException alreadyClosed) {
                // The worker closed them first.
            }
        }
    }

    private static final class PrivateRegistry implements Registry {
        private final Metrics metrics;
        private final Map<String, String> tags = new LinkedHashMap<>();

        PrivateRegistry(String connectorName, String instance) {
            tags.put("connector", connectorName == null ? "unknown" : connectorName);
            tags.put("task-instance", instance);
            metrics = new Metrics(new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM,
                    new KafkaMetricsContext(FALLBACK_JMX_PREFIX));
        }

        @Override
        public MetricName name(String name, String description) {
            return metrics.metricName(name, FALLBACK_GROUP, description, tags);
        }

        @Override
        public void gauge(MetricName name, Measurable value) {
            metrics.addMetric(name, value);
        }

        @Override
        public Sensor sensor(String name) {
            return metrics.sensor(name);
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
