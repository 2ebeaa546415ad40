package io.dualstream.connect.redis.mapping;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CoalescerTest {

    private static Notification on(String channel, String payload, long timestamp) {
        return new Notification(channel.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private static List<String> shown(List<Notification> batch) {
        return batch.stream().map(n -> new String(n.channel(), StandardCharsets.UTF_8) + " "
                + new String(n.payload(), StandardCharsets.UTF_8) + " @" + n.timestamp()).toList();
    }

    @Test
    void keepsTheLastNotificationOfEachChannelAtItsPlaceWithTheCount() {
        Coalescer coalescer = new Coalescer("coalesced");
        List<Notification> kept = coalescer.coalesce(List.of(on("a", "{\"id\":1}", 1), on("b", "{\"id\":2}", 2),
                on("a", "{\"id\":3}", 3), on("c", "{\"id\":4}", 4), on("a", "{\"id\":5}", 5), on("c", "{\"id\":6}", 6)));

        assertEquals(List.of("b {\"id\":2,\"coalesced\":1} @2", "a {\"id\":5,\"coalesced\":3} @5",
                "c {\"id\":6,\"coalesced\":2} @6"), shown(kept));
        assertEquals(3, coalescer.coalesced());
        coalescer.coalesce(List.of(on("a", "{\"id\":7}", 7)));
        assertEquals(3, coalescer.coalesced(), "counted across batches; nothing within one batch of one");
    }

    @Test
    void theCountFieldIsEscapedAndFitsAnEmptyObject() {
        Coalescer coalescer = new Coalescer("n\"é");
        assertEquals(List.of("a {\"n\\\"é\":2} @0"), shown(coalescer.coalesce(List.of(on("a", "{}", 0), on("a", "{}", 0)))));
    }
}
