package io.dualstream.connect.redis.bench;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Connect ceiling: a sink that only counts what it is given, so a drain measures the consumer, the converters
 * and the framework alone. Benchmark-only.
 */
public class NoopSinkConnector extends SinkConnector {

    /** Records handed to put() across all tasks of this JVM. */
    static final AtomicLong RECORDS = new AtomicLong();

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NoopTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    /** Counts records; touches the value so the conversion cannot be optimised away. */
    public static class NoopTask extends SinkTask {
        @Override
        public String version() {
            return "bench";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            long values = 0;
            for (SinkRecord record : records) {
                if (record.value() != null) {
                    values++;
                }
            }
            RECORDS.addAndGet(values);
        }

        @Override
        public void stop() {
        }
    }
}
