package io.dualstream.connect.redis.testing;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The range assignor, except that the first assignment after {@link #arm()} holds the consumer's thread (a sink
 * task's) until the test calls {@link #release()}: the consumer has its partitions but has not yet called its
 * rebalance listener, so whatever the test does meanwhile (a pause, whose wakeup is then pending) happens at that
 * point. Set it with {@code consumer.override.partition.assignment.strategy}; one test at a time.
 */
public final class HeldAssignor extends RangeAssignor {

    private static volatile CountDownLatch entered = new CountDownLatch(0);
    private static volatile CountDownLatch released = new CountDownLatch(0);

    /** The next assignment holds. */
    public static void arm() {
        entered = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Waits until a consumer holds in its assignment. */
    public static void awaitHeld(Duration timeout) throws InterruptedException {
        if (!entered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no consumer got an assignment within " + timeout);
        }
    }

    /** Lets the held consumer go on: it calls its rebalance listener next. */
    public static void release() {
        released.countDown();
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        super.onAssignment(assignment, metadata);
        CountDownLatch held = released;
        if (held.getCount() > 0 && entered.getCount() > 0) {
            entered.countDown();
            try {
                held.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
