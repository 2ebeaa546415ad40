package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fillsTheTemplateFromTheEventsFields() throws Exception {
        EventChannel channels = new EventChannel("events:{source_type}:{source_id}");
        assertEquals("events:", channels.namespace());
        assertEquals("events:repo:org1/repo-2",
                channels.of(JSON.readTree("{\"source_type\":\"repo\",\"source_id\":\"org1/repo-2\",\"id\":\"e\"}")));
        assertEquals("events:user:42", channels.of(JSON.readTree("{\"source_type\":\"user\",\"source_id\":42}")));
    }

    @Test
    void anEventWithoutATemplateFieldHasNoChannel() throws Exception {
        EventChannel channels = new EventChannel("events:{source_type}:{source_id}");
        assertNull(channels.of(JSON.readTree("{\"source_type\":\"repo\"}")));
        assertNull(channels.of(JSON.readTree("{\"source_type\":\"repo\",\"source_id\":null}")));
        assertNull(channels.of(JSON.readTree("{\"source_type\":\"repo\",\"source_id\":{\"a\":1}}")));
    }

    @Test
    void aTemplateNeedsAFixedPrefixAndAField() {
        assertThrows(IllegalArgumentException.class, () -> new EventChannel("{source_type}:{source_id}"));
        assertThrows(IllegalArgumentException.class, () -> new EventChannel("events:all"));
    }

    @Test
    void severalTemplatesAreRefusedNamingTheOneToKeep() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EventChannel("events:{source_type}:{source_id},events:all"));
        assertTrue(e.getMessage().contains("reads one template, the per-source channel"), e.getMessage());
    }

    @Test
    void referencesItCannotResolveAreRefusedNotMatchedToNothing() {
        for (String template : new String[] {"events:{value.actor.id}", "events:{key}", "events:{topic}:{id}",
                "events:{header.tenant}", "events:{{{source_type}}}:{source_id}", "events:{}"}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> new EventChannel(template), template);
            assertTrue(error.getMessage().startsWith("channel.template '" + template + "'"), error.getMessage());
        }
    }
}
