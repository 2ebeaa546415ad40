package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.io.SerializedString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * notification.coalesce: of a batch's notifications, keeps the last one per channel, at its place in the batch,
 * and adds a field to its payload counting the notifications of that channel it stands for (itself included).
 * Not thread-safe: one per task.
 */
public final class Coalescer implements Coalescing {

    /** {@code "name":}, escaped once. */
    private final byte[] field;
    private long coalesced;

    Coalescer(String countField) {
        byte[] name = new SerializedString(countField).asQuotedUTF8();
        field = new byte[name.length + 3];
        field[0] = '"';
        System.arraycopy(name, 0, field, 1, name.length);
        field[name.length + 1] = '"';
        field[name.length + 2] = ':';
    }

    @Override
    public List<Notification> coalesce(List<Notification> batch) {
        Map<Channel, int[]> counts = new HashMap<>();
        // Each notification's counts, so the second pass needs no lookup: [0] the channel's notifications in the
        // batch, [1] those not yet passed.
        int[][] countOf = new int[batch.size()][];
        for (int i = 0; i < countOf.length; i++) {
            int[] count = counts.computeIfAbsent(new Channel(batch.get(i).channel()), channel -> new int[2]);
            count[0]++;
            count[1]++;
            countOf[i] = count;
        }
        List<Notification> kept = new ArrayList<>(counts.size());
        for (int i = 0; i < countOf.length; i++) {
            Notification notification = batch.get(i);
            int[] count = countOf[i];
            if (--count[1] == 0) {
                kept.add(new Notification(notification.channel(), withCount(notification.payload(), count[0]),
                        notification.timestamp()));
            }
        }
        coalesced += batch.size() - kept.size();
        return kept;
    }

    @Override
    public long coalesced() {
        return coalesced;
    }

    /** The payload object with the count field appended: {@code {"id":"e9"}} becomes {@code {"id":"e9","n":3}}. */
    private byte[] withCount(byte[] payload, int count) {
        byte[] digits = Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
        boolean empty = payload.length == 2;
        int end = payload.length - 1; // the closing brace
        byte[] out = Arrays.copyOf(payload, end + (empty ? 0 : 1) + field.length + digits.length + 1);
        int at = end;
        if (!empty) {
            out[at++] = ',';
        }
        System.arraycopy(field, 0, out, at, field.length);
        at += field.length;
        System.arraycopy(digits, 0, out, at, digits.length);
        out[at + digits.length] = '}';
        return out;
    }

    /** A channel name as a map key. */
    private record Channel(byte[] name) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Channel that && Arrays.equals(name, that.name);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(name);
        }

        @Override
        public String toString() {
            return new String(name, StandardCharsets.UTF_8);
        }
    }
}
