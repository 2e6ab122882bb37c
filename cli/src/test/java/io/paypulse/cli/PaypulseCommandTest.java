package io.paypulse.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PaypulseCommandTest {

    @Test
    void aMistypedOptionIsTheErrorAndWhereToLookNotTheWholeUsage() {
        StringWriter err = new StringWriter();
        var cli = PaypulseCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("run", "--simulat");

        assertEquals(2, exit);
        assertEquals("paypulse run: Unknown option: '--simulat'\nPossible solutions: --simulate\nsee ./paypulse run --help\n",
                err.toString());
    }

    @Test
    void aLogLevelThatIsNoneIsOneSentence() {
        assertNull(PaypulseCommand.logLevelProblem(null));
        assertNull(PaypulseCommand.logLevelProblem(""));
        assertNull(PaypulseCommand.logLevelProblem("debug"));
        assertNull(PaypulseCommand.logLevelProblem(" WARN "));
        assertEquals("PAYPULSE_LOG_LEVEL=LOUD is not a log level: use ERROR, WARN, INFO (the default), DEBUG or TRACE",
                PaypulseCommand.logLevelProblem("LOUD"));
    }
}
