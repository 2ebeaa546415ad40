package io.dualstream.connect.redis.testing.chaos;

/**
 * What can go wrong while events flow, and the reason its duplicates have. Each is applied to both connectors at
 * once; {@link ChaosRig#inject} measures the recovery and the window's losses around it.
 */
public enum Fault {
    WORKER_KILL("SIGKILL of the worker running the most tasks; a new worker takes its place",
            "the dead tasks' records after their last commit, redelivered to the new owners"),
    ZOMBIE("SIGSTOP of the worker running the most tasks until its tasks run elsewhere and commit, then SIGCONT",
            "records after the frozen tasks' last commit, redelivered; and the zombie's batch in flight, published late"),
    ROLLING_RESTART("each worker in turn stopped (SIGTERM) and a new one started, as a deploy rolls pods",
            "records after the last commit of each task stopped mid-batch"),
    BROKER_RESTART("the Kafka broker stopped for 5 s and started again",
            "batches whose commit failed while the broker was away, redelivered"),
    REDIS_FAILOVER("the Redis master SIGKILLed, and started again once another is promoted (cluster: a shard not "
            + "failed before in the run; Sentinel: the two promotable nodes take turns)",
            "none: at-least-once resends only what the failing node did not take"),
    REDIS_AND_WORKER("the Redis master and the busiest worker SIGKILLed at the same moment",
            "the killed worker's, as for WORKER_KILL"),
    PAUSE_RESUME("PUT /connectors/NAME/pause, 5 s, PUT /connectors/NAME/resume", "none expected"),
    RESTART_TASKS("POST /connectors/NAME/restart?includeTasks=true", "records after the last commit of each restarted task"),
    CONFIG_CHANGE("PUT /connectors/NAME/config: a second channel template (fan-out) and redis.pipeline.size=100",
            "records after the last commit of each task reconfigured"),
    OFFSET_RESET("PUT /connectors/NAME/stop, PATCH /connectors/NAME/offsets 500 records back per partition, "
            + "PUT /connectors/NAME/resume", "the 500 records per partition replayed on purpose");

    private final String action;
    private final String duplicates;

    Fault(String action, String duplicates) {
        this.action = action;
        this.duplicates = duplicates;
    }

    public String action() {
        return action;
    }

    /** Where this fault's duplicates come from. */
    public String duplicates() {
        return duplicates;
    }

    public boolean needsRedisFailover() {
        return this == REDIS_FAILOVER || this == REDIS_AND_WORKER;
    }
}
