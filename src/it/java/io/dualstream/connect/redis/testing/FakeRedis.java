package io.dualstream.connect.redis.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A loopback server that speaks just enough RESP to pose as a Redis of a given version (which this machine's
 * redis-server cannot be): PING, CLIENT, HELLO and INFO are answered, anything else is an unknown command.
 */
public final class FakeRedis implements AutoCloseable {

    private final ServerSocket server;
    private final String version;
    private final Thread thread;

    public FakeRedis(String version) throws IOException {
        this.version = version;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-redis-" + version);
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String uri() {
        return "redis://127.0.0.1:" + port();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                for (List<String> command; (command = readCommand(in)) != null; ) {
                    out.write(answer(command).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException closed) {
                // the client went away, or close() was called
            }
        }
    }

    private String answer(List<String> command) {
        String name = command.isEmpty() ? "" : command.get(0).toUpperCase(Locale.ROOT);
        return switch (name) {
            case "PING" -> "+PONG\r\n";
            case "CLIENT", "AUTH", "SELECT" -> "+OK\r\n";
            case "HELLO" -> "*14\r\n" + bulk("server") + bulk("redis") + bulk("version") + bulk(version)
                    + bulk("proto") + ":2\r\n" + bulk("id") + ":1\r\n" + bulk("mode") + bulk("standalone")
                    + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
            case "INFO" -> bulk("# Server\r\nredis_version:" + version + "\r\nredis_mode:standalone\r\n");
            default -> "-ERR unknown command '" + command.get(0) + "'\r\n";
        };
    }

    private static String bulk(String text) {
        return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        int count = Integer.parseInt(header.substring(1));
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(line(in).substring(1));
            byte[] bytes = in.readNBytes(length + 2);
            parts.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                return text.toString().trim();
            }
            text.append((char) b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
