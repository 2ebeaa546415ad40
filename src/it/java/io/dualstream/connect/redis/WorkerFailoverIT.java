package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.ConnectStack;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three workers, three tasks: when the worker running a task leaves, its task moves to another worker and
 * events produced afterwards still become notifications.
 */
class WorkerFailoverIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TOPIC = "failover-events";
    private static final String CONNECTOR = "failover";

    @RegisterExtension
    final ConnectStack stack = ConnectStack.named("worker-failover").workers(3)
            // Reassign a departed worker's tasks after 1 s instead of the default 5 minutes.
            .workerProps(Map.of("scheduled.rebalance.max.delay.ms", "1000"));

    @BeforeEach
    void createTopic() {
        stack.connect().kafka().createTopic(TOPIC, 6);
    }

    /** Polls until all three tasks run, none on the departed worker. */
    private void awaitTasksMovedOff(String departed) {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        List<ConnectorStateInfo.TaskState> tasks = List.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                tasks = stack.connect().connectorStatus(CONNECTOR).tasks();
                if (tasks.size() == 3 && tasks.stream().allMatch(t -> t.state().equals("RUNNING") && !t.workerId().equals(departed))) {
                    return;
                }
            } catch (RuntimeException restNotReadyDuringRebalance) {
                // asked again below
            }
            try {
                Thread.sleep(200); // polling interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("tasks did not move off " + departed + ": " + tasks.stream()
                .map(t -> t.id() + "=" + t.state() + "@" + t.workerId()).toList());
    }

    @Test
    void tasksMoveToTheRemainingWorkersAndKeepPublishing() throws Exception {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, stack.redis());
        config.put("tasks.max", "3");
        stack.connect().configureConnector(CONNECTOR, config);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 3, "not running");

        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:*")) {
            List<Event> before = SampleEvents.generate("before", 300, 1);
            ConnectClusters.produce(stack.connect(), TOPIC, before.stream().map(e -> new String[] {e.key(), e.json()}).toList());
            subscriber.awaitCount(before.size(), TIMEOUT);

            String taskWorker = stack.connect().connectorStatus(CONNECTOR).tasks().get(0).workerId();
            WorkerHandle leaving = stack.connect().workers().stream().filter(w -> w.url().toString().contains(taskWorker))
                    .findFirst().orElseThrow(() -> new AssertionError("no worker at " + taskWorker));
            stack.connect().removeWorker(leaving);

            awaitTasksMovedOff(taskWorker);

            List<Event> after = SampleEvents.generate("after", 300, 2);
            ConnectClusters.produce(stack.connect(), TOPIC, after.stream().map(e -> new String[] {e.key(), e.json()}).toList());
            List<Subscriber.Message> received = subscriber.await(list -> list.stream()
                            .filter(m -> m.payload().contains("\"after-")).map(Subscriber.Message::payload)
                            .collect(Collectors.toSet()).size() >= after.size(),
                    TIMEOUT, "every event produced after the worker left");
            assertEquals(after.stream().map(Event::notification).collect(Collectors.toSet()),
                    received.stream().map(Subscriber.Message::payload).filter(p -> p.contains("\"after-"))
                            .collect(Collectors.toSet()));
        }
    }
}
