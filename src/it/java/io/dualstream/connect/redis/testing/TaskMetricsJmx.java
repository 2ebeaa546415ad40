package io.dualstream.connect.redis.testing;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Reads a task's metrics the way an operator's JMX tool would, from the worker's MBeans in this JVM: plugin
 * metrics under {@code kafka.connect:type=plugins,connector=NAME,task=N}, the worker's own sink-task metrics under
 * {@code kafka.connect:type=sink-task-metrics,connector=NAME,task=N}.
 */
public final class TaskMetricsJmx {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private TaskMetricsJmx() {
    }

    public static ObjectName plugin(String connector, int task) {
        return name("kafka.connect:type=plugins,connector=" + connector + ",task=" + task);
    }

    public static ObjectName sinkTask(String connector, int task) {
        return name("kafka.connect:type=sink-task-metrics,connector=" + connector + ",task=" + task);
    }

    public static boolean registered(ObjectName name) {
        return SERVER.isRegistered(name);
    }

    /** The attribute as a number; fails when the MBean or the attribute does not exist. */
    public static double read(ObjectName name, String attribute) {
        try {
            return ((Number) SERVER.getAttribute(name, attribute)).doubleValue();
        } catch (JMException e) {
            throw new AssertionError("cannot read " + name + " " + attribute, e);
        }
    }

    /**
     * Polls the attribute until it is at least {@code min} (a counter catching up with the records handed to the
     * task) and returns the value read then; fails with the last value when {@code timeout} passes first.
     */
    public static double awaitAtLeast(ObjectName name, String attribute, double min, Duration timeout) {
        double[] last = {Double.NaN};
        try {
            return Await.until(name + " " + attribute + " >= " + min, timeout, () -> {
                last[0] = read(name, attribute);
                return last[0] >= min ? last[0] : null;
            });
        } catch (IllegalStateException timedOut) {
            throw new AssertionError(name + " " + attribute + " is " + last[0] + ", expected at least " + min
                    + " within " + timeout, timedOut);
        }
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (JMException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
