package io.dualstream.quickstart;

import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real distributed-mode Connect worker (what connect-distributed.sh runs), loading plugins from plugin.path. */
public final class QuickstartWorker implements AutoCloseable {

    private final Connect<?> connect;

    private QuickstartWorker(Connect<?> connect) {
        this.connect = connect;
    }

    /** The worker properties a user would put in connect-distributed.properties. */
    static Map<String, String> workerProperties(String bootstrapServers, int restPort, Path pluginPath) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("listeners", "http://localhost:" + restPort);
        props.put("rest.advertised.host.name", "localhost");
        props.put("group.id", "quickstart-connect");
        props.put("config.storage.topic", "quickstart-connect-configs");
        props.put("offset.storage.topic", "quickstart-connect-offsets");
        props.put("status.storage.topic", "quickstart-connect-status");
        // -1: the broker's default, so the same settings work on one embedded broker and on a real cluster.
        props.put("config.storage.replication.factor", "-1");
        props.put("offset.storage.replication.factor", "-1");
        props.put("status.storage.replication.factor", "-1");
        props.put("offset.flush.interval.ms", "5000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
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
