package io.dualstream.quickstart.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchTest {

    private static Watch watch(String text) {
        return Watch.parse(text, "events:");
    }

    @Test
    void nothingGivenWatchesEverythingTheConnectorPublishes() {
        assertEquals("PSUBSCRIBE events:*", watch(null).command());
        assertEquals("PSUBSCRIBE events:*", watch("  ").command());
    }

    @Test
    void aChannelIsSubscribedAndMatchesOnlyItself() {
        Watch channel = watch("events:repo:org1/repo-2");
        assertFalse(channel.pattern());
        assertEquals("SUBSCRIBE events:repo:org1/repo-2", channel.command());
        assertTrue(channel.matches("events:repo:org1/repo-2"));
        assertFalse(channel.matches("events:repo:org1/repo-20"));
    }

    @Test
    void patternsFollowRedisGlob() {
        assertTrue(watch("events:repo:*").matches("events:repo:org1/repo-2"));
        assertFalse(watch("events:repo:*").matches("events:repository:x"));
        assertTrue(watch("events:user:user?").matches("events:user:user7"));
        assertFalse(watch("events:user:user?").matches("events:user:user17"));
        assertTrue(watch("events:[ou]*").matches("events:org:org1"));
        assertTrue(watch("events:[ou]*").matches("events:user:u"));
        assertFalse(watch("events:[ou]*").matches("events:repo:r"));
        assertFalse(watch("events:[^r]*").matches("events:repo:r"));
        assertTrue(watch("events:user:user[0-3]").matches("events:user:user2"));
        assertFalse(watch("events:user:user[0-3]").matches("events:user:user5"));
        assertTrue(watch("events:odd\\*name*").matches("events:odd*name:x"));
        assertFalse(watch("events:odd\\*name*").matches("events:oddXname:x"));
    }

    @Test
    void regexCharactersAreLiterals() {
        assertFalse(watch("events:a.b*").matches("events:aXb:1"), "a dot is a dot");
        assertTrue(watch("events:a.b*").matches("events:a.b:1"));
        assertTrue(watch("events:(x)+*").matches("events:(x)+:1"));
    }

    @Test
    void onlyTheConnectorsChannelsCanBeWatched() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> watch("orders:*"));
        assertEquals("watch must start with events:, for example events:* or events:repo:*, not 'orders:*'",
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> watch("events:a b"));
        assertThrows(IllegalArgumentException.class, () -> watch("events:" + "x".repeat(200)));
    }
}
