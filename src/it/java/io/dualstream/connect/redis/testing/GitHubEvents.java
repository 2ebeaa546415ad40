package io.dualstream.connect.redis.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Realistic GitHub-like events: a few source types and ids, several event types, a full payload. */
public final class GitHubEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TYPES = {"push", "issue", "star", "fork", "pull_request", "release"};

    /** One event: its identifying fields and the full JSON as produced to Kafka. */
    public record Event(String id, String type, String sourceType, String sourceId, String json) {
        public String key() {
            return sourceType + ":" + sourceId;
        }

        public String channel() {
            return "events:" + sourceType + ":" + sourceId;
        }

        /** The notification the default settings must publish. */
        public String notification() {
            return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source_id\":\"" + sourceId + "\"}";
        }
    }

    private GitHubEvents() {
    }

    /** Every channel {@link #generate} can produce with the default template: 20 users, 50 repos, 5 orgs. */
    public static List<String> allChannels() {
        List<String> channels = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            channels.add("events:user:user" + u);
        }
        for (int o = 0; o < 5; o++) {
            for (int r = 0; r < 10; r++) {
                channels.add("events:repo:org" + o + "/repo-" + r);
            }
            channels.add("events:org:org" + o);
        }
        return channels;
    }

    public static List<Event> generate(String idPrefix, int count, long seed) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event(idPrefix + "-" + i, random));
        }
        return events;
    }

    private static Event event(String id, Random random) {
        String sourceType;
        String sourceId;
        switch (random.nextInt(3)) {
            case 0 -> {
                sourceType = "user";
                sourceId = "user" + random.nextInt(20);
            }
            case 1 -> {
                sourceType = "repo";
                sourceId = "org" + random.nextInt(5) + "/repo-" + random.nextInt(10);
            }
            default -> {
                sourceType = "org";
                sourceId = "org" + random.nextInt(5);
            }
        }
        String type = TYPES[random.nextInt(TYPES.length)];
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("type", type);
        node.put("source_type", sourceType);
        node.put("source_id", sourceId);
        node.put("created_at", "2026-11-26T12:00:" + String.format("%02d", random.nextInt(60)) + "Z");
        ObjectNode actor = node.putObject("actor");
        actor.put("id", random.nextInt(1_000_000));
        actor.put("login", "dev" + random.nextInt(500));
        actor.put("avatar_url", "https://avatars.example.com/u/" + random.nextInt(1_000_000));
        ObjectNode payload = node.putObject("payload");
        payload.put("ref", "refs/heads/main");
        payload.put("size", random.nextInt(20));
        payload.put("distinct", random.nextBoolean());
        payload.put("head", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        payload.put("message", "Fix the thing number " + random.nextInt(10_000) + " and tidy up the rest");
        node.put("public", true);
        return new Event(id, type, sourceType, sourceId, node.toString());
    }
}
