package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.RedisOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WholeWriteSocket}: what Jedis writes reaches the socket once, at the flush, byte for byte. */
class WholeWriteSocketTest {

    /** A socket that only records the writes made to it. */
    private static final class RecordingSocket extends Socket {
        final List<Integer> writes = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(len);
                    bytes.write(b, off, len);
                }
            };
        }
    }

    /** ~65 KB of PUBLISH commands, as a put() batch of 500 notifications is, encoded by Jedis into its stream. */
    private static void writeBatch(OutputStream socketStream) throws IOException {
        RedisOutputStream jedis = new RedisOutputStream(socketStream);
        for (Notification notification : BestEffortDeliveryTest.batch(500)) {
            byte[] payload = new byte[120];
            java.util.Arrays.fill(payload, (byte) 'x');
            Protocol.sendCommand(jedis, new CommandArguments(Protocol.Command.PUBLISH)
                    .add(notification.channel()).add(payload));
        }
        jedis.flush();
    }

    @Test
    void aBatchThatJedisWritesInEightKilobytePiecesReachesTheSocketInOneWrite() throws IOException {
        RecordingSocket direct = new RecordingSocket();
        writeBatch(direct.getOutputStream());
        assertTrue(direct.writes.size() >= 8, "Jedis alone writes every 8 KB: " + direct.writes);

        RecordingSocket wrapped = new RecordingSocket();
        writeBatch(new WholeWriteSocket(wrapped).getOutputStream());
        assertEquals(1, wrapped.writes.size(), "writes: " + wrapped.writes);
        assertArrayEquals(direct.bytes.toByteArray(), wrapped.bytes.toByteArray());
    }

    @Test
    void nothingReachesTheSocketBeforeTheFlush() throws IOException {
        RecordingSocket socket = new RecordingSocket();
        OutputStream out = new WholeWriteSocket(socket).getOutputStream();
        out.write(new byte[WholeWriteSocket.BUFFER_BYTES - 1]);
        assertEquals(List.of(), socket.writes);
        out.flush();
        assertEquals(List.of(WholeWriteSocket.BUFFER_BYTES - 1), socket.writes);
    }
}
