package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The quickstart worker's properties: a stock worker's, with the quickstart's own settings on top. */
class QuickstartWorkerTest {

    @Test
    void theQuickstartWorkersPropertiesAreAStockWorkersWithItsOwnSettings() {
        Path plugins = Path.of("target", "plugin");
        String stringConverter = "org.apache.kafka.connect.storage.StringConverter";
        assertEquals(Map.ofEntries(
                entry("bootstrap.servers", "localhost:9092"),
                entry("listeners", "http://localhost:8083"),
                entry("rest.advertised.host.name", "localhost"),
                entry("group.id", "quickstart-connect"),
                entry("config.storage.topic", "quickstart-connect-configs"),
                entry("offset.storage.topic", "quickstart-connect-offsets"),
                entry("status.storage.topic", "quickstart-connect-status"),
                entry("config.storage.replication.factor", "-1"),
                entry("offset.storage.replication.factor", "-1"),
                entry("status.storage.replication.factor", "-1"),
                entry("offset.flush.interval.ms", "5000"),
                entry("key.converter", stringConverter),
                entry("value.converter", stringConverter),
                entry("plugin.path", plugins.toAbsolutePath().toString()),
                entry("plugin.discovery", "service_load")),
                QuickstartWorker.workerProperties("localhost:9092", 8083, plugins));
    }
}
