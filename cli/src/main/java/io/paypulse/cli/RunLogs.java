package io.paypulse.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;

/**
 * Under {@code run}, the terminal is for a person: paypulse's own key=value log lines go to a file in the
 * data folder, and only warnings and errors also show on the console, next to the {@code paypulse:} lines
 * that say the same in words. {@code PAYPULSE_LOG_LEVEL} set, the console keeps everything as elsewhere.
 */
final class RunLogs {

    static final String FILE_NAME = "paypulse.log";
    private static final String PAYPULSE = "io.paypulse";
    private static final String APPENDER = "run-log-file";

    private RunLogs() {
    }

    /** Sends every log line to {@code dataDir/paypulse.log} and keeps paypulse's INFO lines off the console. */
    static Path toFile(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%c{1} %msg%n").build();
        FileAppender appender = FileAppender.newBuilder().setName(APPENDER).withFileName(file.toString())
                .withAppend(true).setLayout(layout).setConfiguration(config).build();
        appender.start();
        config.addAppender(appender);

        LoggerConfig root = config.getRootLogger();
        root.addAppender(appender, null, null);
        LoggerConfig paypulse = config.getLoggerConfig(PAYPULSE);
        if (!paypulse.getName().equals(PAYPULSE)) {
            paypulse = new LoggerConfig(PAYPULSE, Level.INFO, false);
            config.addLogger(PAYPULSE, paypulse);
        }
        // Not through the root any more: to the file at the logger's own level, to the console from WARN.
        paypulse.setAdditive(false);
        paypulse.addAppender(appender, null, null);
        for (Appender console : root.getAppenders().values()) {
            if (console != appender) {
                paypulse.addAppender(console, Level.WARN, null);
            }
        }
        context.updateLoggers();
        return file;
    }
}
