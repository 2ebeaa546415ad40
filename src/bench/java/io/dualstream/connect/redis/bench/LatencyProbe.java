package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Subscriber;

/**
 * Reads {@code "sent":N} and {@code "ts":N} from each received notification and records the latency from the
 * producer's send (nanoseconds, same JVM) and from the Kafka record timestamp (milliseconds, wall clock).
 */
final class LatencyProbe implements Subscriber.PayloadListener {

    private static final byte[] SENT = "\"sent\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TS = "\"ts\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final LongSamples fromSendNanos;
    final LongSamples fromTimestampMillis;
    final LongSamples receivedAtNanos;

    LatencyProbe(int capacity) {
        fromSendNanos = new LongSamples(capacity);
        fromTimestampMillis = new LongSamples(capacity);
        receivedAtNanos = new LongSamples(capacity);
    }

    @Override
    public void onMessage(byte[] payload, long receivedNanos) {
        long nowMillis = System.currentTimeMillis();
        long sent = number(payload, SENT);
        long ts = number(payload, TS);
        if (sent >= 0) {
            fromSendNanos.add(receivedNanos - sent);
        }
        if (ts >= 0) {
            fromTimestampMillis.add(nowMillis - ts);
        }
        receivedAtNanos.add(receivedNanos);
    }

    private static long number(byte[] payload, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= payload.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (payload[i + j] != key[j]) {
                    continue outer;
                }
            }
            long value = 0;
            int k = i + key.length;
            while (k < payload.length && payload[k] >= '0' && payload[k] <= '9') {
                value = value * 10 + (payload[k++] - '0');
            }
            return value;
        }
        return -1;
    }
}
