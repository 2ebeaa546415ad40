package io.dualstream.connect.redis.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.ArrayList;
import java.util.List;

/** Collects what one class logs, to check that the log stays short and says the right things. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One logged line: its level and formatted message. */
    public record Line(Level level, String message) {
    }

    private final Logger logger;
    private final Level previousLevel;
    private final List<Line> lines = new ArrayList<>();

    private LogCapture(String loggerName, Level level) {
        super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
        logger = (Logger) LogManager.getLogger(loggerName);
        previousLevel = logger.getLevel();
        start();
        logger.addAppender(this);
        logger.setLevel(level);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName(), Level.INFO);
    }

    /** By logger name, for classes that are not public (such as Connect's WorkerSinkTask). */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName, Level.INFO);
    }

    /** Captures down to {@code level}, e.g. DEBUG for lines that are not shown by default. */
    public static LogCapture of(Class<?> source, Level level) {
        return new LogCapture(source.getName(), level);
    }

    @Override
    public synchronized void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getMessage().getFormattedMessage()));
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        logger.setLevel(previousLevel);
        stop();
    }
}
