package io.dualstream.quickstart.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One page's Server-Sent Events stream: first the recent events read from Kafka in one {@code recent} event, then
 * every live notification as a {@code notification} event, less those the recent ones already held (merged by id),
 * with a comment line every 15 s so a closed page is noticed. It ends with an {@code end} event saying why;
 * the browser's EventSource then reconnects and catches up again.
 */
final class SseStream implements Subscriptions.Listener {

    /** Notifications waiting for a slow page before it is dropped (it reconnects and catches up). */
    static final int QUEUE_CAPACITY = 10_000;
    private static final long HEARTBEAT_SECONDS = 15;
    private static final Notification WAKE_UP = new Notification("", "", "");

    private final BlockingQueue<Notification> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile String endReason;

    @Override
    public void deliver(Notification notification) {
        if (endReason == null && !queue.offer(notification)) {
            end("the page fell more than " + QUEUE_CAPACITY + " notifications behind");
        }
    }

    @Override
    public void lost() {
        end("the gateway lost its Redis connection");
    }

    /** Ends the stream from another thread; the first reason given wins. */
    void end(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
        queue.clear();
        queue.offer(WAKE_UP);
    }

    /**
     * Writes the stream until it ends or the page goes away (a write fails). Blocks the calling thread.
     *
     * @param subscription the watch's SUBSCRIBE or PSUBSCRIBE, for the page's status line
     */
    void serve(OutputStream out, String watch, String subscription, List<Notification> recent)
            throws IOException, InterruptedException {
        write(out, "retry: 1000\n\n");
        write(out, "event: recent\ndata: {\"watch\":" + Notification.JSON.writeValueAsString(watch)
                + ",\"subscription\":" + Notification.JSON.writeValueAsString(subscription)
                + ",\"events\":" + array(recent) + "}\n\n");
        Set<String> caughtUp = new HashSet<>();
        recent.forEach(notification -> caughtUp.add(notification.id()));
        while (endReason == null) {
            Notification next = queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                write(out, ":\n\n");
            } else if (next != WAKE_UP && !caughtUp.contains(next.id())) {
                write(out, "event: notification\ndata: " + next.json() + "\n\n");
            }
        }
        write(out, "event: end\ndata: " + Notification.JSON.writeValueAsString(endReason) + "\n\n");
    }

    static String array(Collection<Notification> notifications) {
        StringBuilder json = new StringBuilder("[");
        for (Notification notification : notifications) {
            json.append(json.length() > 1 ? "," : "").append(notification.json());
        }
        return json.append(']').toString();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
