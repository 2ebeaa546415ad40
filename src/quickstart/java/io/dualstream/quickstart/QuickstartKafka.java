package io.dualstream.quickstart;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The Kafka the quickstart uses: the one the user named, or a single-node KRaft broker in this JVM. */
public final class QuickstartKafka implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaClusterTestKit embedded;

    private QuickstartKafka(String bootstrapServers, KafkaClusterTestKit embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    /**
     * The user's Kafka, or an embedded broker whose data lives under {@code workDir}. Not in a temporary directory
     * of Kafka's test kit: that one is deleted by a JVM shutdown hook, which on Ctrl-C races the quickstart's own
     * clean-up, and a broker whose log directory vanishes halts the JVM with exit code 1.
     */
    public static QuickstartKafka obtain(String userBootstrapServers, Path workDir) {
        if (userBootstrapServers != null) {
            return new QuickstartKafka(userBootstrapServers, null);
        }
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setBaseDirectory(Files.createTempDirectory(Files.createDirectories(workDir), "kafka-"))
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    // One broker: the internal topics cannot have the default three replicas.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new QuickstartKafka(cluster.bootstrapServers(), cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuickstartException("interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new QuickstartException("the embedded Kafka broker did not start: " + e.getMessage()
                    + " (see the log in the quickstart's work directory)", e);
        }
    }

    /** Kafka's storage formatter prints to System.out, which belongs to the live view. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream terminal = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(terminal);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Creates the topic unless it exists; returns its partition count. */
    public int ensureTopic(String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return describedPartitions(admin, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuickstartException("interrupted while creating topic " + topic, e);
        } catch (Exception e) {
            throw new QuickstartException("cannot create topic " + topic + " on Kafka at " + bootstrapServers + ": "
                    + e.getMessage() + (isEmbedded() ? "" : " (check quickstart.bootstrap.servers)"), e);
        }
    }

    /**
     * The topic's partition count. Right after it was created, a broker may not know it yet
     * (UnknownTopicOrPartitionException): asked again until it does, for up to 30 s.
     */
    private static int describedPartitions(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100); // the new topic's metadata is on its way to the broker
        }
    }

    /** Stops the embedded broker, if this started one; an interrupt is kept on the flag for the caller. */
    @Override
    public void close() {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new QuickstartException("the embedded Kafka broker did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
