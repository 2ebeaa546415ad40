package io.dualstream.connect.redis.publish;

import java.util.BitSet;

/**
 * What Redis did with one batch: how many subscribers the delivered notifications reached, which notifications
 * (by their index in the batch) were not delivered, and the first error that explains why. Notifications on
 * different nodes fail independently, so the undelivered ones are a set, not a suffix of the batch.
 */
public final class PublishResult {

    private final int size;
    private final long subscribersReached;
    private final BitSet undelivered;
    private final Throwable error;

    private PublishResult(int size, long subscribersReached, BitSet undelivered, Throwable error) {
        this.size = size;
        this.subscribersReached = subscribersReached;
        this.undelivered = undelivered;
        this.error = error;
    }

    /** Every notification of the batch was delivered. */
    public static PublishResult complete(int size, long subscribersReached) {
        return new PublishResult(size, subscribersReached, new BitSet(), null);
    }

    /** Nothing of the batch was delivered. */
    public static PublishResult failed(int size, Throwable error) {
        BitSet all = new BitSet(size);
        all.set(0, size);
        return new PublishResult(size, 0, all, error);
    }

    /** Some notifications were not delivered; {@code error} is required when {@code undelivered} is not empty. */
    public static PublishResult of(int size, long subscribersReached, BitSet undelivered, Throwable error) {
        if (!undelivered.isEmpty() && error == null) {
            throw new IllegalArgumentException("undelivered notifications need an error that explains them");
        }
        return new PublishResult(size, subscribersReached, (BitSet) undelivered.clone(), undelivered.isEmpty() ? null : error);
    }

    public int size() {
        return size;
    }

    public int delivered() {
        return size - undelivered.cardinality();
    }

    public long subscribersReached() {
        return subscribersReached;
    }

    /** Indices of the notifications Redis did not take; a copy. */
    public BitSet undelivered() {
        return (BitSet) undelivered.clone();
    }

    public boolean isDelivered(int index) {
        return !undelivered.get(index);
    }

    public boolean complete() {
        return undelivered.isEmpty();
    }

    /** Why notifications were not delivered; {@code null} when the batch is complete. */
    public Throwable error() {
        return error;
    }

    @Override
    public String toString() {
        return delivered() + "/" + size + " delivered, " + subscribersReached + " subscribers reached"
                + (error == null ? "" : ", error: " + error);
    }
}
