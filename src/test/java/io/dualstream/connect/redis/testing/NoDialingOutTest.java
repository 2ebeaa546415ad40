package io.dualstream.connect.redis.testing;

import io.dualstream.connect.redis.RedisPubSubSinkConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link NoDialingOut} stops a unit test that dials the shared Redis or another machine, and lets loopback through. */
class NoDialingOutTest {

    @BeforeEach
    void onlyUnderSurefire() {
        assumeTrue(Boolean.getBoolean(NoDialingOut.PROPERTY), "the guard is on in surefire's unit test runs");
    }

    private static void dial(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
        }
    }

    @Test
    void theMachinesOwnRedisPortFailsTheTest() {
        AssertionError e = assertThrows(AssertionError.class, () -> dial("127.0.0.1", NoDialingOut.SHARED_REDIS_PORT));
        assertTrue(e.getMessage().contains("a unit test dialled 127.0.0.1:6379"), e.getMessage());
    }

    @Test
    void anotherMachineFailsTheTestBeforeAnyPacketIsSent() {
        // 192.0.2.1 is TEST-NET-1: nothing answers there, so only the guard can make this fail at once.
        AssertionError e = assertThrows(AssertionError.class, () -> dial("192.0.2.1", 7000));
        assertTrue(e.getMessage().contains("192.0.2.1:7000"), e.getMessage());
    }

    @Test
    void validateWithoutTheSeamWouldDialTheSharedRedisAndIsStopped() {
        // What RedisPubSubSinkConnectorValidateTest did before it used OfflineConnectors.
        assertThrows(AssertionError.class, () -> new RedisPubSubSinkConnector().validate(Map.of(
                "connector.class", RedisPubSubSinkConnector.class.getName(), "topics", "events")));
    }

    @Test
    void aServerTheTestOwnsOnLoopbackIsAllowed() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertDoesNotThrow(() -> dial("127.0.0.1", server.getLocalPort()));
        }
    }
}
