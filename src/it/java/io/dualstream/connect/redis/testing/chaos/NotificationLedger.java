package io.dualstream.connect.redis.testing.chaos;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * What the subscribers saw, kept small enough for an hour at thousands of notifications a second: per stream (a
 * channel's prefix, one per connector) and per source, which sequence numbers arrived, which arrived more than once,
 * and how the arrivals were ordered. Notifications carry the event's {@code id}, {@code kK-SEQ}
 * (see {@link SequencedProducer}).
 */
public final class NotificationLedger implements BiConsumer<String, String> {

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final int keys;
    private final AtomicLong unreadable = new AtomicLong();
    private volatile LongConsumer latencies;

    public NotificationLedger(int keys) {
        this.keys = keys;
    }

    /** One connector's notifications, by the text before the first {@code :} of their channel. */
    public static final class Stream {
        private final BitSet[] seen;
        private final BitSet[] again;
        private final int[] last;
        private final int[] highestFirst;
        private long received;
        private long duplicates;
        private long rewinds;
        private long outOfOrder;

        Stream(int keys) {
            seen = new BitSet[keys];
            again = new BitSet[keys];
            last = new int[keys];
            highestFirst = new int[keys];
            for (int k = 0; k < keys; k++) {
                seen[k] = new BitSet();
                again[k] = new BitSet();
                last[k] = -1;
                highestFirst[k] = -1;
            }
        }

        synchronized void record(int key, int seq) {
            received++;
            if (seen[key].get(seq)) {
                again[key].set(seq);
                duplicates++;
            } else {
                seen[key].set(seq);
                if (seq < highestFirst[key]) {
                    outOfOrder++; // a gap filled later: this event first arrived after a later one of its source
                }
                highestFirst[key] = Math.max(highestFirst[key], seq);
            }
            if (seq <= last[key]) {
                rewinds++; // the source's stream went back: a redelivery or a resend starts here
            }
            last[key] = seq;
        }

        public synchronized boolean seen(int key, int seq) {
            return seen[key].get(seq);
        }

        public synchronized boolean seenTwice(int key, int seq) {
            return again[key].get(seq);
        }

        /** How many of source {@code key}'s events {@code from} (inclusive) to {@code to} (exclusive) never arrived. */
        public synchronized int missing(int key, int from, int to) {
            return Math.max(0, to - from) - seen[key].get(from, Math.max(from, to)).cardinality();
        }

        public synchronized long received() {
            return received;
        }

        /** Arrivals of an event that had arrived before. */
        public synchronized long duplicates() {
            return duplicates;
        }

        /** Arrivals at or below the source's previous arrival: where a redelivery or a resend began. */
        public synchronized long rewinds() {
            return rewinds;
        }

        /** First arrivals of an event after a later event of the same source had arrived: order broken. */
        public synchronized long outOfOrder() {
            return outOfOrder;
        }
    }

    @Override
    public void accept(String channel, String payload) {
        int colon = channel.indexOf(':');
        int id = payload.indexOf("\"id\":\"k");
        int dash = id < 0 ? -1 : payload.indexOf('-', id);
        int end = dash < 0 ? -1 : payload.indexOf('"', dash);
        if (colon < 0 || end < 0) {
            unreadable.incrementAndGet();
            return;
        }
        try {
            int key = Integer.parseInt(payload, id + 7, dash, 10);
            int seq = Integer.parseInt(payload, dash + 1, end, 10);
            stream(channel.substring(0, colon)).record(key, seq);
            LongConsumer latency = latencies;
            int at = latency == null ? -1 : payload.indexOf("\"produced_at\":");
            if (at >= 0) {
                int from = at + 14;
                int to = from;
                while (to < payload.length() && Character.isDigit(payload.charAt(to))) {
                    to++;
                }
                latency.accept(System.currentTimeMillis() - Long.parseLong(payload, from, to, 10));
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            unreadable.incrementAndGet();
        }
    }

    /**
     * Hands each notification's end-to-end latency (ms from the event's {@code produced_at} to its arrival here)
     * to {@code sink}, for the notifications that carry that field.
     */
    public void latencies(LongConsumer sink) {
        latencies = sink;
    }

    /** The stream of channels starting with {@code prefix + ":"} (empty until one arrives). */
    public Stream stream(String prefix) {
        return streams.computeIfAbsent(prefix, p -> new Stream(keys));
    }

    /** Notifications whose channel or payload did not name a stream, a source and a sequence number. */
    public long unreadable() {
        return unreadable.get();
    }
}
