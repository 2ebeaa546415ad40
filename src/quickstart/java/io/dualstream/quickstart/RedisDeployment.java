package io.dualstream.quickstart;

import io.dualstream.quickstart.gateway.Subscriptions;

import java.util.List;
import java.util.Map;

/**
 * The Redis the quickstart publishes to, chosen once at start ({@code quickstart.redis.mode}): a standalone server
 * ({@link QuickstartRedis}) or a Redis Cluster ({@link QuickstartCluster}). It says what the connector is told, how
 * the live view and the gateway subscribe, and stops what the quickstart started.
 */
public interface RedisDeployment extends AutoCloseable {

    static RedisDeployment obtain(QuickstartOptions options) {
        return switch (options.redisMode()) {
            case STANDALONE -> QuickstartRedis.obtain(options.redisUri(), "localhost", 6379, options.workDir());
            case CLUSTER -> QuickstartCluster.obtain(options.redisUri(), options.workDir());
        };
    }

    /** The connector's {@code redis.*} settings for this Redis. */
    Map<String, String> connectorSettings();

    /** Where it is and where it came from, for the start-up line. */
    String location();

    /** The live view's Redis line: the mode, the URI(s), where it came from and how the view subscribes. */
    String headline();

    /** How the live view subscribes, for the start-up line. */
    String subscription();

    /** A redis-cli command that shows the notifications, for the live view's hints. */
    String subscriberHint();

    /**
     * Subscribes the live view to every notification and returns once Redis confirmed it.
     *
     * @param channels every channel the connector can publish on (a sharded subscriber needs them)
     */
    AutoCloseable watch(LiveStats stats, List<String> channels);

    /** The gateway's way of hearing this Redis. */
    Subscriptions gatewaySubscriptions(List<String> channels);

    /** What to call it in the summary's "stopped" list, or null when the quickstart found it running. */
    String startedName();

    @Override
    void close();
}
