package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleEventsTest {

    @Test
    void eventsLookLikeGitHubsAndCarryTheFieldsTheConnectorReads() throws IOException {
        SampleEvents events = new SampleEvents("t", 42);
        Set<String> types = new HashSet<>();
        Set<String> sourceTypes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 500; i++) {
            SampleEvents.Event event = events.next();
            JsonNode value = json.readTree(event.json());
            assertEquals(event.id(), value.get("id").asText());
            assertEquals(event.type(), value.get("type").asText());
            assertEquals(event.sourceType(), value.get("source_type").asText());
            assertEquals(event.sourceId(), value.get("source_id").asText());
            assertEquals(event.sourceType() + ":" + event.sourceId(), event.key(), "keyed by source: in order per source");
            assertTrue(value.get("payload").size() >= 2, event.json());
            int bytes = event.json().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes >= 250 && bytes <= 700, "a full event of a few hundred bytes, not " + bytes);
            types.add(event.type());
            sourceTypes.add(event.sourceType());
            ids.add(event.id());
        }
        assertEquals(Set.of("push", "issue", "star", "fork", "pull_request", "release"), types);
        assertEquals(Set.of("user", "repo", "org"), sourceTypes);
        assertEquals(500, ids.size(), "ids are unique");
    }

    @Test
    void sourcesListEverySourceAnEventCanComeFrom() {
        Set<String> listed = new HashSet<>();
        SampleEvents.sources().forEach(source -> listed.add(source.get("source_type").asText() + ":"
                + source.get("source_id").asText()));
        assertEquals(SampleEvents.sources().size(), listed.size(), "no source twice");
        assertEquals(20 + 5 + 50, listed.size(), "20 users, 5 orgs, 10 repos per org");
        Set<String> seen = new HashSet<>();
        SampleEvents events = new SampleEvents("t", 7);
        for (int i = 0; i < 5000; i++) {
            seen.add(events.next().key());
        }
        assertTrue(listed.containsAll(seen), "a sharded subscriber on the listed channels hears every event");
        assertEquals(listed, seen, "and every listed source does occur");
    }
}
