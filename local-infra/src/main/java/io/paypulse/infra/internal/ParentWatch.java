package io.paypulse.infra.internal;

/**
 * Runs inside a server child JVM and ends it when the JVM that started it is gone, so a server never outlives
 * its owner, even when the owner was killed with SIGKILL and its shutdown hooks never ran.
 */
final class ParentWatch {

    private ParentWatch() {
    }

    static void exitWithParent() {
        String pid = System.getProperty(ChildProcess.PARENT_PID_PROPERTY);
        if (pid == null) {
            return; // started by hand, for debugging
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
                parent -> parent.onExit().thenRun(ParentWatch::exit), ParentWatch::exit);
    }

    private static void exit() {
        System.err.println("paypulse: the parent process is gone, shutting down");
        // A clean shutdown is preferred; if it hangs, nobody is left to kill this process, so halt.
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                // Halting now is as good.
            }
            Runtime.getRuntime().halt(1);
        }, "paypulse-parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(1);
    }
}
