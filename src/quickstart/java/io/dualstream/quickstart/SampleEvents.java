package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic GitHub-like events: {@code user}, {@code repo} and {@code org} sources, push, issue, star, fork,
 * pull_request and release events, each with a full payload of a few hundred bytes. The one generator of the
 * quickstart, the integration tests and the benchmarks; it lives here, with the code a user runs, and the test kit
 * uses it (the quickstart is compiled with the tests).
 * <p>
 * Two styles share the sources, ids, types and actors: the quickstart's live events ({@link #next()}) are created
 * now and carry a repo and a payload that depends on their type; the tests' and benchmarks' ({@link #generate})
 * all have one shape (the benchmarks derive one {@code Struct} schema from the first, and quote its size) and a
 * creation time on a fixed day.
 */
public final class SampleEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TYPES = {"push", "issue", "star", "fork", "pull_request", "release"};
    private static final int USERS = 20;
    private static final int ORGS = 5;
    private static final int REPOS_PER_ORG = 10;

    /** One event: its identifying fields and the full JSON as produced to Kafka. */
    public record Event(String id, String type, String sourceType, String sourceId, String json) {
        /** The Kafka key: the source, so that one source's events stay in order. */
        public String key() {
            return sourceType + ":" + sourceId;
        }

        /** The channel of the connector's default template. */
        public String channel() {
            return "events:" + sourceType + ":" + sourceId;
        }

        /** The notification the default settings must publish. */
        public String notification() {
            return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source_id\":\"" + sourceId + "\"}";
        }
    }

    private final Random random;
    private final String idPrefix;
    private final boolean uniform;
    private long sequence;

    /** The quickstart's live events, from {@code seed}. */
    public SampleEvents(String idPrefix, long seed) {
        this(idPrefix, seed, false);
    }

    private SampleEvents(String idPrefix, long seed, boolean uniform) {
        this.idPrefix = idPrefix;
        this.random = new Random(seed);
        this.uniform = uniform;
    }

    /** {@code count} events of one shape, the same for the same arguments: the tests' and benchmarks' events. */
    public static List<Event> generate(String idPrefix, int count, long seed) {
        SampleEvents events = new SampleEvents(idPrefix, seed, true);
        List<Event> generated = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            generated.add(events.next());
        }
        return generated;
    }

    public Event next() {
        String id = idPrefix + "-" + sequence++;
        String sourceType;
        String sourceId;
        String repo = "org" + random.nextInt(ORGS) + "/repo-" + random.nextInt(REPOS_PER_ORG);
        switch (random.nextInt(3)) {
            case 0 -> {
                sourceType = "user";
                sourceId = "user" + random.nextInt(USERS);
            }
            case 1 -> {
                sourceType = "repo";
                sourceId = repo;
            }
            default -> {
                sourceType = "org";
                sourceId = repo.substring(0, repo.indexOf('/'));
            }
        }
        String type = TYPES[random.nextInt(TYPES.length)];
        ObjectNode event = JSON.createObjectNode();
        event.put("id", id);
        event.put("type", type);
        event.put("source_type", sourceType);
        event.put("source_id", sourceId);
        event.put("created_at", uniform ? "2026-11-26T12:00:" + String.format("%02d", random.nextInt(60)) + "Z"
                : Instant.now().toString());
        ObjectNode actor = event.putObject("actor");
        int actorId = random.nextInt(1_000_000);
        actor.put("id", actorId);
        actor.put("login", "dev" + random.nextInt(500));
        actor.put("avatar_url", "https://avatars.example.com/u/" + actorId);
        if (uniform) {
            uniformPayload(event.putObject("payload"));
        } else {
            event.putObject("repo").put("name", repo).put("url", "https://api.example.com/repos/" + repo);
            payload(type, repo, event.putObject("payload"));
        }
        event.put("public", true);
        return new Event(id, type, sourceType, sourceId, event.toString());
    }

    /**
     * Every source an event can come from, as {@code source_type}/{@code source_id} objects: the channels a sharded
     * subscriber must know, since {@code SSUBSCRIBE} has no pattern form.
     */
    public static List<ObjectNode> sources() {
        List<ObjectNode> sources = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            sources.add(source("user", "user" + user));
        }
        for (int org = 0; org < ORGS; org++) {
            sources.add(source("org", "org" + org));
            for (int repo = 0; repo < REPOS_PER_ORG; repo++) {
                sources.add(source("repo", "org" + org + "/repo-" + repo));
            }
        }
        return sources;
    }

    /** Every channel an event can have with the default template ({@link Event#channel()}), one per source. */
    public static List<String> allChannels() {
        return sources().stream()
                .map(s -> "events:" + s.get("source_type").asText() + ":" + s.get("source_id").asText())
                .toList();
    }

    private static ObjectNode source(String type, String id) {
        return JSON.createObjectNode().put("source_type", type).put("source_id", id);
    }

    /** A push-like payload whatever the type, so that every event has the same fields. */
    private void uniformPayload(ObjectNode payload) {
        payload.put("ref", "refs/heads/main");
        payload.put("size", random.nextInt(20));
        payload.put("distinct", random.nextBoolean());
        payload.put("head", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        payload.put("message", "Fix the thing number " + random.nextInt(10_000) + " and tidy up the rest");
    }

    private void payload(String type, String repo, ObjectNode payload) {
        int number = 1 + random.nextInt(5000);
        switch (type) {
            case "push" -> {
                payload.put("ref", "refs/heads/main");
                payload.put("size", 1 + random.nextInt(20));
                payload.put("head", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                payload.put("message", "Fix the flaky retry in the exporter (#" + number + ") and tidy up the rest");
            }
            case "issue" -> {
                payload.put("action", random.nextBoolean() ? "opened" : "closed");
                payload.put("number", number);
                payload.put("title", "Crash when the config file has a trailing comma");
                payload.putArray("labels").add("bug").add("good first issue");
            }
            case "star" -> {
                payload.put("action", "started");
                payload.put("stargazers_count", random.nextInt(100_000));
            }
            case "fork" -> {
                payload.put("forkee", "dev" + random.nextInt(500) + "/" + repo.substring(repo.indexOf('/') + 1));
                payload.put("forks_count", random.nextInt(10_000));
            }
            case "pull_request" -> {
                payload.put("action", random.nextBoolean() ? "opened" : "merged");
                payload.put("number", number);
                payload.put("title", "Stream notifications to the dashboard over SSE");
                payload.put("additions", random.nextInt(800));
                payload.put("deletions", random.nextInt(300));
            }
            default -> {
                payload.put("action", "published");
                payload.put("tag_name", "v1." + random.nextInt(30) + "." + random.nextInt(10));
                payload.put("prerelease", random.nextInt(10) == 0);
            }
        }
    }
}
