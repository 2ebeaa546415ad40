package io.dualstream.quickstart.gateway;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slot map and the grouping of channels into SSUBSCRIBE commands: one per slot, on the slot's master. */
class ShardMapTest {

    private static final HostAndPort A = new HostAndPort("127.0.0.1", 7001);
    private static final HostAndPort B = new HostAndPort("127.0.0.1", 7002);
    private static final HostAndPort C = new HostAndPort("127.0.0.1", 7003);

    /** The layout redis-cli --cluster create gives three masters. */
    private static ShardMap threeMasters() {
        Map<HostAndPort, List<long[]>> ranges = new LinkedHashMap<>();
        ranges.put(A, List.of(new long[] {0, 5460}));
        ranges.put(B, List.of(new long[] {5461, 10922}));
        ranges.put(C, List.of(new long[] {10923, 16383}));
        return ShardMap.of(ranges);
    }

    @Test
    void slotsAreTheOnesRedisComputes() {
        // CLUSTER KEYSLOT answers on a real Redis: foo 12182, hash tags hash only what is between the braces.
        assertEquals(12182, ShardMap.slot("foo"));
        assertEquals(ShardMap.slot("repo"), ShardMap.slot("events:{repo}:org1/repo-2"));
        ShardMap map = threeMasters();
        assertEquals(C, map.ownerOf("foo"));
        assertEquals(A, map.owner(0));
        assertEquals(B, map.owner(5461));
        assertEquals(List.of(A, B, C), List.copyOf(map.masters()));
    }

    @Test
    void channelsAreGroupedPerMasterThenPerSlot() {
        ShardMap map = threeMasters();
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            channels.add("events:user:user" + i);
        }
        channels.add("events:{repo}:org1/repo-1");
        channels.add("events:{repo}:org2/repo-2"); // the same slot as the one before: one SSUBSCRIBE for both
        channels.add("events:user:user3"); // listed twice: subscribed once

        Map<HostAndPort, List<List<String>>> grouped = map.bySlotOwner(channels);

        List<String> covered = new ArrayList<>();
        grouped.forEach((master, commands) -> {
            int previousSlot = -1;
            for (List<String> command : commands) {
                int slot = ShardMap.slot(command.get(0));
                assertTrue(command.stream().allMatch(c -> ShardMap.slot(c) == slot),
                        "one SSUBSCRIBE takes channels of one slot only: " + command);
                assertEquals(master, map.owner(slot), command + " must go to the master of slot " + slot);
                assertTrue(slot > previousSlot, "one command per slot, in slot order");
                previousSlot = slot;
                covered.addAll(command);
            }
        });
        assertEquals(channels.stream().distinct().sorted().toList(), covered.stream().sorted().toList(),
                "every channel exactly once");
        assertEquals(3, grouped.size(), "75 channels spread over all three masters");
        assertTrue(grouped.values().stream().flatMap(List::stream)
                .anyMatch(command -> command.equals(List.of("events:{repo}:org1/repo-1", "events:{repo}:org2/repo-2"))),
                "channels sharing a hash tag share one command: " + grouped);
    }

    @Test
    void aSlotNoMasterServesIsNamed() {
        Map<HostAndPort, List<long[]>> ranges = Map.of(A, List.of(new long[] {0, 100}, new long[] {102, 16383}));
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> ShardMap.of(ranges));
        assertTrue(error.getMessage().startsWith("no master serves slot 101"), error.getMessage());
    }
}
