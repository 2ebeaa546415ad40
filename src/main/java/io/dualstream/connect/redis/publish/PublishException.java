package io.dualstream.connect.redis.publish;

/**
 * Redis failed part-way through a batch; the first {@link #published()} notifications went out and reached
 * {@link #subscribersReached()} subscribers.
 */
public class PublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int published;
    private final long subscribersReached;

    public PublishException(String message, int published, long subscribersReached, Throwable cause) {
        super(message, cause);
        this.published = published;
        this.subscribersReached = subscribersReached;
    }

    public int published() {
        return published;
    }

    public long subscribersReached() {
        return subscribersReached;
    }
}
