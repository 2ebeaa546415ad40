package io.dualstream.connect.redis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisEndpointTest {

    // ---- valid URIs ----

    @Test
    void hostOnlyUsesDefaults() {
        assertEquals(new RedisEndpoint("host", 6379, false, null, null, 0), RedisEndpoint.parse("redis://host"));
    }

    @Test
    void portAndDatabase() {
        assertEquals(new RedisEndpoint("host", 6380, false, null, null, 2), RedisEndpoint.parse("redis://host:6380/2"));
    }

    @Test
    void trailingSlashIsDatabaseZero() {
        assertEquals(0, RedisEndpoint.parse("redis://host:6380/").database());
    }

    @Test
    void redissMeansTls() {
        assertEquals(new RedisEndpoint("cache.example.com", 6379, true, null, null, 0),
                RedisEndpoint.parse("rediss://cache.example.com"));
        assertEquals(new RedisEndpoint("cache.example.com", 6380, true, null, null, 1),
                RedisEndpoint.parse("rediss://cache.example.com:6380/1"));
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertTrue(RedisEndpoint.parse("REDISS://host").tls());
        assertFalse(RedisEndpoint.parse("Redis://host").tls());
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(new RedisEndpoint("host", 6379, false, null, null, 0), RedisEndpoint.parse("  redis://host \n"));
    }

    @Test
    void userAndPassword() {
        assertEquals(new RedisEndpoint("host", 6379, false, "user", "password", 0),
                RedisEndpoint.parse("redis://user:password@host:6379"));
    }

    @Test
    void passwordWithoutUser() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://:password@host");
        assertNull(endpoint.user());
        assertEquals("password", endpoint.password());
    }

    @Test
    void userWithoutPassword() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://user@host");
        assertEquals("user", endpoint.user());
        assertNull(endpoint.password());
    }

    @Test
    void emptyPasswordAfterColonIsEmpty() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://user:@host");
        assertEquals("user", endpoint.user());
        assertEquals("", endpoint.password());
    }

    @Test
    void percentEncodedUserAndPasswordAreDecoded() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://app%40corp:p%40ss%3Aw%2Fd%25%23%3F@host");
        assertEquals("app@corp", endpoint.user());
        assertEquals("p@ss:w/d%#?", endpoint.password());
    }

    @Test
    void percentEncodedUtf8PasswordIsDecoded() {
        assertEquals("pässwörd", RedisEndpoint.parse("redis://:p%C3%A4ssw%C3%B6rd@host").password());
    }

    /**
     * In a URI (RFC 3986) '+' is an ordinary character of the userinfo: only %XX is decoded. Generated
     * passwords (base64) often contain '+'; decoding it to a space makes authentication fail.
     */
    @Test
    void plusInPasswordIsKeptLiterally() {
        assertEquals("a+b/c+d==", RedisEndpoint.parse("redis://:a+b%2Fc+d==@host").password());
    }

    @Test
    void ipv6Literal() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://[::1]:6379");
        assertEquals(new RedisEndpoint("::1", 6379, false, null, null, 0), endpoint);
        assertEquals("[::1]:6379", endpoint.address());
    }

    @Test
    void ipv6LiteralWithDefaultPortAndDatabase() {
        RedisEndpoint endpoint = RedisEndpoint.parse("rediss://u:p@[2001:db8::1]/3");
        assertEquals(new RedisEndpoint("2001:db8::1", 6379, true, "u", "p", 3), endpoint);
        assertEquals("[2001:db8::1]:6379", endpoint.address());
    }

    @Test
    void addressIsHostColonPort() {
        assertEquals("host:6380", RedisEndpoint.parse("redis://u:p@host:6380/2").address());
    }

    @Test
    void toStringShowsUserButNeverPassword() {
        RedisEndpoint endpoint = RedisEndpoint.parse("rediss://alice:s3cr3tPW@host:6380/2");
        assertEquals("rediss://alice@host:6380/2", endpoint.toString());
        assertEquals("redis://host:6379/0", RedisEndpoint.parse("redis://:s3cr3tPW@host").toString());
    }

    // ---- invalid URIs ----

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void blankIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertEquals("no URI given; use redis://host:6379 or rediss://host:6380 for TLS", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://host:6379", "https://host", "tcp://host:6379", "localhost:6379", "host", "/host"})
    void wrongOrMissingSchemeIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertEquals("scheme must be redis:// or rediss:// (TLS), for example redis://localhost:6379", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis:///0", "redis://:6379", "redis://user:pw@", "rediss:///"})
    void missingHostIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertEquals("no host; use redis://host:6379", e.getMessage());
    }

    @Test
    void schemeWithNothingAfterItIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis://"));
        assertTrue(e.getMessage().startsWith("not a URI ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("use redis://host:6379"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://host:6379/notanumber", "redis://host/-1", "redis://host/2/3", "redis://host/0x1"})
    void pathThatIsNotADatabaseNumberIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertEquals("path must be a database number such as /0; Pub/Sub channels are the same in every database",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://host:6379?ssl=true", "redis://host/0?timeout=5", "redis://host?", "redis://host#x"})
    void queryAndFragmentAreRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertEquals("query parameters and fragments are not supported; set options with the redis.* settings",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://ho st:6379", "redis://host:6379/ 0", "redis://u:100%@host"})
    void syntaxErrorIsRejectedWithAnExample(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
        assertTrue(e.getMessage().startsWith("not a URI ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; use redis://host:6379"), e.getMessage());
    }

    @Test
    void errorMessagesNeverContainThePassword() {
        for (String text : new String[]{"redis://u:s3cr3tPW@host/x", "redis://u:s3cr3tPW@host?a=b",
                "http://u:s3cr3tPW@host", "redis://u:s3cr3tPW@", "redis://u:s3cr3tPW@ho st"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(text));
            assertFalse(e.getMessage().contains("s3cr3tPW"), e.getMessage());
        }
    }

    // ---- mask ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "redis://user:s3cr3t@host:6379/0         | redis://user:[hidden]@host:6379/0",
            "redis://:s3cr3t@host                    | redis://:[hidden]@host",
            "rediss://user:s3cr3t@[::1]:6380         | rediss://user:[hidden]@[::1]:6380",
            "redis://user:p%40ss@host                | redis://user:[hidden]@host",
            "redis://user:p@ss@host                  | redis://user:[hidden]@host",
            "redis://user:pa/ss@host                 | redis://user:[hidden]@host",
            "redis://user:s3cr3t@host/notanumber     | redis://user:[hidden]@host/notanumber",
            "http://user:s3cr3t@host                 | http://user:[hidden]@host",
            "redis://user@host:6379                  | redis://user@host:6379",
            "redis://host:6379/0                     | redis://host:6379/0",
            "redis://host                            | redis://host",
    })
    void maskHidesOnlyThePassword(String uri, String masked) {
        assertEquals(masked, RedisEndpoint.mask(uri));
    }

    @Test
    void maskOfNullIsNull() {
        assertNull(RedisEndpoint.mask(null));
    }

    /**
     * A URI typed without "//" or without its scheme still carries the password in its user info, and its
     * masked form is what the validator puts in the REST API's error message.
     */
    @ParameterizedTest
    @ValueSource(strings = {"user:s3cr3t@host:6379", "redis:/user:s3cr3t@host", "redis//user:s3cr3t@host",
            "redis:user:s3cr3t@host"})
    void maskHidesThePasswordOfAUriWithoutSchemeSlashes(String uri) {
        String masked = RedisEndpoint.mask(uri);
        assertFalse(masked.contains("s3cr3t"), masked);
    }
}
