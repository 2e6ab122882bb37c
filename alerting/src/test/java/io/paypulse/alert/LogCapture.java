package io.paypulse.alert;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects every line one class logs, at every level, while open. */
final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level previousLevel;
    private final AbstractAppender appender;

    LogCapture(Class<?> source) {
        logger = (Logger) LogManager.getLogger(source);
        previousLevel = logger.getLevel();
        appender = new AbstractAppender("capture-" + System.identityHashCode(this), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
                if (event.getThrown() != null) {
                    line += " " + event.getThrown();
                }
                lines.add(line);
            }
        };
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.ALL);
        // Only into this capture: the console stays at the test configuration's level.
        logger.setAdditive(false);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        logger.setAdditive(true);
        logger.setLevel(previousLevel);
        appender.stop();
    }
}
