package io.dualstream.connect.redis.testing;

import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches, on a connection of its own, what an operator looks at while a subscriber falls behind: the named
 * client's output buffer ({@code omem} in {@code CLIENT LIST}; gone once Redis has closed the connection), how many
 * {@code PUBLISH} commands Redis has run ({@code INFO commandstats}) and, on the Redis versions that report it,
 * {@code client_output_buffer_limit_disconnections} ({@code INFO stats}). One sample every {@link #INTERVAL}.
 */
public final class OutputBufferWatch implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Pattern PUBLISH_CALLS = Pattern.compile("cmdstat_publish:calls=(\\d+)");

    /**
     * One look at the server.
     *
     * @param omem            the watched client's output buffer in bytes, -1 when it is not connected
     * @param publishes       PUBLISH commands run since the server started
     * @param disconnections  {@code client_output_buffer_limit_disconnections}, -1 when this Redis does not report it
     */
    public record Sample(long atMillis, long omem, long publishes, long disconnections) {
        public boolean connected() {
            return omem >= 0;
        }
    }

    private final String clientName;
    private final Jedis jedis;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long clientId = -1;
    private volatile RuntimeException failure;

    /** Starts watching the client named {@code clientName} (CLIENT SETNAME) on {@code redis}. */
    public OutputBufferWatch(RedisEndpoint redis, String clientName) {
        this.clientName = clientName;
        this.jedis = new Jedis(redis.host(), redis.port(), 5000);
        this.thread = new Thread(this::run, "output-buffer-watch-" + clientName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                Sample sample = sample();
                synchronized (samples) {
                    samples.add(sample);
                    samples.notifyAll();
                }
                Thread.sleep(INTERVAL.toMillis()); // the sampling interval
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            synchronized (samples) {
                samples.notifyAll();
            }
        }
    }

    private Sample sample() {
        long omem = -1;
        for (ClientInfo client : ClientInfo.list(jedis)) {
            if (client.name().equals(clientName)) {
                omem = Long.parseLong(client.fields().getOrDefault("omem", "0"));
                clientId = client.id();
            }
        }
        Matcher calls = PUBLISH_CALLS.matcher(jedis.info("commandstats"));
        long publishes = calls.find() ? Long.parseLong(calls.group(1)) : 0;
        Map<String, String> stats = RedisFixture.info(jedis, "stats");
        long disconnections = Long.parseLong(stats.getOrDefault("client_output_buffer_limit_disconnections", "-1"));
        return new Sample(System.currentTimeMillis(), omem, publishes, disconnections);
    }

    /**
     * The watched client's id ({@code CLIENT LIST}'s {@code id=}), -1 until it was seen: how to find it in the server's
     * log, where Valkey writes {@code name=*redacted*} instead of its name.
     */
    public long clientId() {
        return clientId;
    }

    /** Every sample taken so far, oldest first. */
    public List<Sample> samples() {
        checkRunning();
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** The largest output buffer seen for the client, in bytes (0 when it never had one). */
    public long peakOmem() {
        return samples().stream().mapToLong(Sample::omem).max().orElse(0);
    }

    /** The first sample that satisfies {@code condition}, if one was taken. */
    public Optional<Sample> first(Predicate<Sample> condition) {
        return samples().stream().filter(condition).findFirst();
    }

    /** Waits for a sample that satisfies {@code condition} and returns the first one. */
    public Sample await(Predicate<Sample> condition, Duration timeout, String what) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        int checked = 0;
        synchronized (samples) {
            while (true) {
                checkRunning();
                for (; checked < samples.size(); checked++) {
                    if (condition.test(samples.get(checked))) {
                        return samples.get(checked);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                    throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; last sample "
                            + last);
                }
                try {
                    samples.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    private void checkRunning() {
        if (failure != null) {
            throw new IllegalStateException("the watch of " + clientName + " failed", failure);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jedis.close();
    }
}
