package io.dualstream.connect.redis.bench;

import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.util.Properties;

/** A single KRaft broker (and its controller) in a JVM of its own: announces its bootstrap servers, then serves. */
public final class SeparateBroker {

    private SeparateBroker() {
    }

    public static void main(String[] args) throws Exception {
        java.io.PrintStream answers = ChildJvm.answers();
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        ChildJvm.serve(answers, kafka.bootstrapServers(), request -> "ok");
        kafka.stop();
        System.exit(0);
    }
}
