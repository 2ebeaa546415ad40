package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Subscriber;

/**
 * A gateway's subscriber in a JVM of its own: {@code PSUBSCRIBE pattern} on Redis at {@code host port}, counting what
 * arrives. Requests: {@code count} answers the count, {@code reset} sets it to 0.
 */
public final class SeparateSubscriber {

    private SeparateSubscriber() {
    }

    public static void main(String[] args) throws Exception {
        java.io.PrintStream answers = ChildJvm.answers();
        try (Subscriber subscriber = Subscriber.psubscribe(args[0], Integer.parseInt(args[1]), args[2]).countOnly()) {
            ChildJvm.serve(answers, "listening", request -> {
                if (request.equals("reset")) {
                    subscriber.resetCount();
                }
                return Integer.toString(subscriber.count());
            });
        }
        System.exit(0);
    }
}
