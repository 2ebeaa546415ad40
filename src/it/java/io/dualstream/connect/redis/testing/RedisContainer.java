package io.dualstream.connect.redis.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis 7 (or Valkey 8, see {@link ServerKind}) container, for machines with Docker but no server binary. The
 * host port is fixed when the container is created so that a restart keeps it.
 */
final class RedisContainer implements RedisFixture {

    private final GenericContainer<?> container;
    private final int port;

    private RedisContainer(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    static RedisContainer start(List<String> extraArgs) {
        int hostPort;
        try {
            hostPort = RedisProcess.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(ServerKind.current().server(), "--save", "", "--appendonly", "no"));
        command.addAll(extraArgs);
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(ServerKind.current().image()))
                .withExposedPorts(6379)
                .withCommand(command.toArray(new String[0]))
                .withCreateContainerCmdModifier(cmd -> cmd.withHostConfig(
                        (cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig())
                                .withPortBindings(new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(6379)))));
        container.start();
        return new RedisContainer(container, hostPort);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void restart() {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        RedisFixture.awaitPing(host(), port, Duration.ofSeconds(30), () -> { });
    }

    @Override
    public void freeze() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}
