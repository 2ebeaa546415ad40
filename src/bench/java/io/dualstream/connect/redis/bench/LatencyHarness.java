package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.Subscriber;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency benchmark: a steady producer at each rate for a fixed time; latency from the event's send (and its
 * Kafka timestamp) to receipt by a {@code PSUBSCRIBE events:*} subscriber, and the time the task spends inside
 * {@code put()} per batch. Then the same at 5,000 events/s while Redis is killed and restarted ~2 s later.
 *
 * <p>Arguments: {@code [rates=1000,5000,20000] [seconds=60] [extra connector properties as key=value ...]}.
 */
public final class LatencyHarness {

    static final String TOPIC = "latency-events";
    static final String CONNECTOR = "latency-sink";
    private static final String HEADER = "| send to put() p50 ms | send to put() p99 ms | puts | mean batch | put() p50 ms | put() p99 ms | put() max ms | GCs | GC ms "
            + "| hiccup p99 ms | hiccup p99.9 ms | hiccup max ms |";
    private static final String RULE = "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    private static final HiccupMeter HICCUPS = new HiccupMeter();

    private LatencyHarness() {
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, LatencyHarness::run);
    }

    /** The connector under test: the real one, timed from outside, with send time and record timestamp published. */
    static Map<String, String> connectorConfig(BenchStack stack, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("notification.fields", "id,type,source_id,ts=timestamp,sent=sent_nanos");
        props.putAll(extra);
        return stack.sinkConfig(TimedSinkConnector.class.getName(), TOPIC, 1, props);
    }

    private static void run(String[] args) {
        String[] rates = (args.length > 0 ? args[0] : "1000,5000,20000").split(",");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            extra.put(kv[0], kv[1]);
        }
        try (BenchStack stack = new BenchStack("latency")) {
            System.out.println("# Latency: " + BenchStack.environment() + "; connector extras " + extra);
            stack.createTopic(TOPIC, 3);
            try (Subscriber subscriber = stack.subscriber("events:*");
                 PacedProducer producer = new PacedProducer(stack, TOPIC)) {
                stack.createConnector(CONNECTOR, connectorConfig(stack, extra));
                phase(stack, subscriber, producer, "warm-up (not a result)", 5000, 10, false);
                System.out.println();
                System.out.println("| rate/s | s | received | p50 ms | p99 ms | p99.9 ms | max ms | p99 ms (from record timestamp) "
                        + HEADER);
                System.out.println(RULE);
                for (String rate : rates) {
                    phase(stack, subscriber, producer, null, Integer.parseInt(rate.trim()), seconds, false);
                }
                System.out.println();
                phase(stack, subscriber, producer, "Redis killed at 6 s, restarted 2 s later", 5000, 20, true);
            }
        }
    }

    private static void phase(BenchStack stack, Subscriber subscriber, PacedProducer producer, String label,
                              int rate, int seconds, boolean outage) {
        LatencyProbe probe = new LatencyProbe(rate * seconds + 1000);
        TimedSinkConnector.PUT_NANOS.clear();
        TimedSinkConnector.BATCH_SIZES.clear();
        TimedSinkConnector.TO_PUT_NANOS.clear();
        subscriber.resetCount();
        subscriber.forwardPayloadsTo(probe);
        long subscriptionsBefore = subscriber.resubscriptions();
        long[] outageNanos = new long[2];
        HICCUPS.reset();
        long gcCount = BenchStack.gcCount();
        long gcMillis = BenchStack.gcMillis();
        Runnable disturbance = !outage ? null : () -> {
            outageNanos[0] = System.nanoTime();
            stack.redis.kill();
            Await.pause(2000);
            stack.redis.restart(); // returns once PING answers
            outageNanos[1] = System.nanoTime();
        };
        long sent = producer.run(rate, seconds, 6, disturbance);
        // Everything still in flight arrives within a few seconds; after an outage some notifications are lost.
        long deadline = System.currentTimeMillis() + (outage ? 10_000 : 30_000);
        while (subscriber.count() < sent && System.currentTimeMillis() < deadline) {
            Await.pause(10);
        }
        subscriber.countOnly();
        long received = subscriber.count();
        long[] latency = probe.fromSendNanos.sorted();
        long[] fromTs = probe.fromTimestampMillis.sorted();
        long[] puts = TimedSinkConnector.PUT_NANOS.sorted();
        long[] batches = TimedSinkConnector.BATCH_SIZES.sorted();
        long[] toPut = TimedSinkConnector.TO_PUT_NANOS.sorted();
        if (label != null) {
            System.out.println("## " + label + ": " + rate + " events/s for " + seconds + " s");
        }
        if (label == null || outage) {
            if (outage) {
                System.out.println("| rate/s | s | received | p50 ms | p99 ms | p99.9 ms | max ms | p99 ms (from record timestamp) "
                        + HEADER);
                System.out.println(RULE);
            }
            System.out.printf("| %d | %d | %d of %d | %.2f | %.2f | %.2f | %.2f | %d | %.2f | %.2f | %d | %.1f | %.3f | %.3f | %.3f "
                            + "| %d | %d | %s |%n",
                    rate, seconds, received, sent, ms(LongSamples.percentile(latency, 50)),
                    ms(LongSamples.percentile(latency, 99)), ms(LongSamples.percentile(latency, 99.9)),
                    ms(LongSamples.percentile(latency, 100)), LongSamples.percentile(fromTs, 99),
                    ms(LongSamples.percentile(toPut, 50)), ms(LongSamples.percentile(toPut, 99)), puts.length,
                    LongSamples.mean(batches), ms(LongSamples.percentile(puts, 50)), ms(LongSamples.percentile(puts, 99)),
                    ms(LongSamples.percentile(puts, 100)), BenchStack.gcCount() - gcCount,
                    BenchStack.gcMillis() - gcMillis, HICCUPS.summary());
        }
        if (outage) {
            long[] receipts = probe.receivedAtNanos.sorted();
            long lastBefore = -1;
            long firstAfter = -1;
            for (long at : receipts) {
                if (at <= outageNanos[0]) {
                    lastBefore = at;
                } else if (at >= outageNanos[1] && firstAfter < 0) {
                    firstAfter = at;
                }
            }
            System.out.printf("outage: Redis down for %.0f ms (kill to PING); no notification for %.0f ms; first notification "
                            + "%.0f ms after Redis answered again; %d of %d notifications lost (best effort: dropped while "
                            + "Redis was down); subscriber resubscribed %d time(s)%n",
                    ms(outageNanos[1] - outageNanos[0]), ms(firstAfter - lastBefore), ms(firstAfter - outageNanos[1]),
                    sent - received, sent, subscriber.resubscriptions() - subscriptionsBefore);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
