package io.dualstream.quickstart;

import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A real distributed-mode Connect worker (what connect-distributed.sh runs), loading plugins from plugin.path. */
public final class QuickstartWorker implements AutoCloseable {

    private final Connect<?> connect;

    private QuickstartWorker(Connect<?> connect) {
        this.connect = connect;
    }

    /**
     * What every stock distributed worker here is given, as a user writes it in connect-distributed.properties: its
     * Kafka, its REST listener on {@code host:restPort} (advertised as {@code host}), its group and the group's three
     * storage topics ({@code GROUP-configs}, {@code -offsets}, {@code -status}), string keys and values, and the
     * plugin.path it loads connectors from. The quickstart's worker and the test kit's stock workers start from it.
     */
    public static Map<String, String> stockProperties(String bootstrapServers, String host, int restPort,
                                                      String groupId, Path pluginPath) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", groupId);
        props.put("listeners", "http://" + host + ":" + restPort);
        props.put("rest.advertised.host.name", host);
        props.put("config.storage.topic", groupId + "-configs");
        props.put("offset.storage.topic", groupId + "-offsets");
        props.put("status.storage.topic", groupId + "-status");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        return props;
    }

    /** The worker properties a user would put in connect-distributed.properties. */
    static Map<String, String> workerProperties(String bootstrapServers, int restPort, Path pluginPath) {
        Map<String, String> props = stockProperties(bootstrapServers, "localhost", restPort, "quickstart-connect",
                pluginPath);
        // -1: the broker's default, so the same settings work on one embedded broker and on a real cluster.
        props.put("config.storage.replication.factor", "-1");
        props.put("offset.storage.replication.factor", "-1");
        props.put("status.storage.replication.factor", "-1");
        props.put("offset.flush.interval.ms", "5000");
        // The plugin registers itself in META-INF/services; skipping the class scan makes startup faster.
        props.put("plugin.discovery", "service_load");
        return props;
    }

    public static QuickstartWorker start(String bootstrapServers, int restPort, Path pluginPath) {
        try {
            return new QuickstartWorker(new ConnectDistributed().startConnect(
                    workerProperties(bootstrapServers, restPort, pluginPath)));
        } catch (RuntimeException e) {
            throw new QuickstartException("the Connect worker did not start: " + e.getMessage()
                    + ". If port " + restPort + " is taken, pass another with -Dquickstart.rest.port=PORT", e);
        }
    }

    @Override
    public void close() {
        connect.stop();
    }
}
