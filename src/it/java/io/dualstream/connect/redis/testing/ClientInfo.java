package io.dualstream.connect.redis.testing;

import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code CLIENT LIST}: who is connected to a node, under which name. Tests use it to check that a
 * connector leaks no connection and names every one it opens.
 *
 * @param fields every {@code key=value} pair of the line, for what the named accessors leave out
 */
public record ClientInfo(long id, String name, String addr, String flags, String cmd, Map<String, String> fields) {

    /** A replica's link to its master (flag {@code M}) or a master's link to a replica (flag {@code S}). */
    public boolean replicationLink() {
        return flags.contains("M") || flags.contains("S");
    }

    /** A connection Sentinel opens to watch a data node (named {@code sentinel-<id>-cmd} or {@code -pubsub}). */
    public boolean sentinelLink() {
        return name.startsWith("sentinel-");
    }

    /** A link Redis or Sentinel keeps on its own, not a client's connection. */
    public boolean background() {
        return replicationLink() || sentinelLink();
    }

    /** The clients connected through {@code jedis}'s node, leaving out {@code jedis}'s own connection. */
    public static List<ClientInfo> list(Jedis jedis) {
        long self = jedis.clientId();
        List<ClientInfo> clients = new ArrayList<>();
        for (String line : jedis.clientList().split("\n")) {
            if (!line.isBlank()) {
                ClientInfo client = parse(line.strip());
                if (client.id() != self) {
                    clients.add(client);
                }
            }
        }
        return clients;
    }

    static ClientInfo parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new ClientInfo(Long.parseLong(fields.getOrDefault("id", "-1")), fields.getOrDefault("name", ""),
                fields.getOrDefault("addr", ""), fields.getOrDefault("flags", ""), fields.getOrDefault("cmd", ""),
                Map.copyOf(fields));
    }
}
