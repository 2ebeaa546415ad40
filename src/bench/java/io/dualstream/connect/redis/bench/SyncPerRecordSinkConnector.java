package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.RedisPubSubSinkConnector;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.Map;

/**
 * The per-record baseline: the same configuration and mapping as the real connector, but one synchronous
 * {@code PUBLISH} round trip per record, as sinks that write record by record do. Benchmark-only.
 */
public class SyncPerRecordSinkConnector extends RedisPubSubSinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return SyncTask.class;
    }

    @Override
    public String version() {
        return "bench";
    }

    public static class SyncTask extends SinkTask {
        private NotificationMapper mapper;
        private Jedis jedis;

        @Override
        public String version() {
            return "bench";
        }

        @Override
        public void start(Map<String, String> props) {
            RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(props);
            mapper = new NotificationMapper(config.channelTemplates(), config.notificationFields(), config.channelMaxBytes());
            jedis = new Jedis(HostAndPort.from(config.endpoint().address()));
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            List<Notification> notifications = new ArrayList<>(1);
            for (SinkRecord record : records) {
                notifications.clear();
                mapper.map(record, notifications);
                for (Notification notification : notifications) {
                    jedis.publish(notification.channel(), notification.payload());
                }
            }
        }

        @Override
        public void stop() {
            if (jedis != null) {
                jedis.close();
            }
        }
    }
}
