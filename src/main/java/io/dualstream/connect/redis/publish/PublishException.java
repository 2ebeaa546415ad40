package io.dualstream.connect.redis.publish;

/** Redis failed part-way through a batch; the first {@link #published()} notifications went out. */
public class PublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int published;

    public PublishException(String message, int published, Throwable cause) {
        super(message, cause);
        this.published = published;
    }

    public int published() {
        return published;
    }
}
