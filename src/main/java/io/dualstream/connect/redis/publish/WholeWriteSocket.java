package io.dualstream.connect.redis.publish;

import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A connected socket whose writes reach the network only when Jedis flushes. Jedis buffers commands 8 KB at a time
 * and writes every full buffer to the socket, so one batch of ~500 notifications (~65 KB) cost eight write system
 * calls, each waking Redis to read a piece of it; through this socket the batch leaves in one write at its flush.
 * Everything but the output stream is the Jedis socket's own (plain or TLS), the methods Jedis calls delegated.
 */
final class WholeWriteSocket extends Socket {

    /** Holds a pipeline chunk of 1,000 notifications of ~130 bytes; a larger one leaves in a few writes. */
    static final int BUFFER_BYTES = 128 * 1024;

    private final Socket socket;
    private final OutputStream out;

    WholeWriteSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
    }

    /**
     * Connects as Jedis would for {@code address} and {@code config} (plain or TLS, with its timeouts), then wraps
     * the socket. A subclass of Jedis's own factory, because {@code Connection.getHostAndPort()} expects one.
     */
    static final class Factory extends DefaultJedisSocketFactory {

        Factory(HostAndPort address, JedisClientConfig config) {
            super(address, config);
        }

        @Override
        public Socket createSocket() {
            Socket socket = super.createSocket();
            try {
                return new WholeWriteSocket(socket);
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw new JedisConnectionException("cannot write to " + getHostAndPort(), e);
            }
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public InetAddress getInetAddress() {
        return socket.getInetAddress();
    }

    @Override
    public int getPort() {
        return socket.getPort();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket.shutdownInput();
    }

    /** What was not flushed is dropped with the connection, as with Jedis's own buffer. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
