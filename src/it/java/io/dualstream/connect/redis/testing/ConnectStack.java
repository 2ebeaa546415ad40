package io.dualstream.connect.redis.testing;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A Redis server ({@link RedisFixture}) and an embedded Kafka Connect cluster ({@link ConnectClusters#start}), the
 * setup of most end-to-end tests, started and stopped by JUnit: registered on a static field
 * ({@code @RegisterExtension static final ConnectStack stack = ...}) it serves the whole class, on an instance field
 * each test gets its own.
 */
public final class ConnectStack implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String name;
    private final Map<String, String> workerProps = new HashMap<>();
    private int workers = 1;
    private boolean packaged;
    /** Registered on a static field: one stack for the whole class. */
    private boolean perClass;
    private RedisFixture redis;
    private EmbeddedConnectCluster connect;

    private ConnectStack(String name) {
        this.name = name;
    }

    /** A stack whose Connect cluster is named {@code name}: one worker, the connector from the test class path. */
    public static ConnectStack named(String name) {
        return new ConnectStack(name);
    }

    /** Adds worker settings on top of {@link ConnectClusters#start}'s. */
    public ConnectStack workerProps(Map<String, String> props) {
        workerProps.putAll(props);
        return this;
    }

    public ConnectStack workers(int count) {
        workers = count;
        return this;
    }

    /**
     * The workers load the connector from the packaged zip ({@link ConnectClusters#startWithPackagedPlugin}). Where
     * the connector is on the test class path (an execution other than packaged-plugin-test, handed the class by
     * -Dit.test), the tests are skipped: they would prove nothing about the zip.
     */
    public ConnectStack packagedPlugin() {
        packaged = true;
        return this;
    }

    public RedisFixture redis() {
        return redis;
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true; // only a static field's extension is called before all tests
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        if (packaged) {
            assumeFalse(onTestClasspath(ConnectClusters.CONNECTOR_CLASS), "the connector is on the test classpath");
        }
        redis = RedisFixture.start();
        connect = packaged ? ConnectClusters.startWithPackagedPlugin(name, workers, workerProps)
                : ConnectClusters.start(name, workers, workerProps);
    }

    private void stop() {
        if (connect != null) {
            connect.stop();
            connect = null;
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    private static boolean onTestClasspath(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
