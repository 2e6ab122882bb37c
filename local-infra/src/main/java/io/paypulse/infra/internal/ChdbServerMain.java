package io.paypulse.infra.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Entry point of the chDB child JVM: loads the ClickHouse engine library and serves ClickHouse's HTTP interface
 * until SIGTERM. Arguments: {@code <libchdb.so> <http port> <data dir>}. Never load chDB into any other JVM:
 * it installs its own signal handlers and allocator.
 */
public final class ChdbServerMain {

    /** Only the command-line entry point: the connection API refuses {@code SYSTEM START LISTEN HTTP}. */
    interface Chdb extends Library {
        int chdb_query_cmdline(int argc, String[] argv);
    }

    interface LibC extends Library {
        void _exit(int status);
    }

    private ChdbServerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: ChdbServerMain <libchdb.so> <http-port> <data-dir>");
            System.exit(2);
        }
        ParentWatch.exitWithParent();
        Chdb chdb = Native.load(args[0], Chdb.class);
        LibC libc = Native.load("c", LibC.class);
        // exit() runs the engine's C++ destructors while its threads still serve, which can crash. Its tables are
        // safe against a kill (parts are renamed into place when complete), so leave the way SIGKILL would.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> libc._exit(0), "chdb-exit"));
        // The endless second statement keeps `clickhouse local` and its HTTP server up until the process ends.
        String[] argv = {"clickhouse", "--http_port=" + args[1], "--listen_host=127.0.0.1", "--path=" + args[2],
                "--multiquery", "--query=SYSTEM START LISTEN HTTP; "
                + "SELECT sleep(3) FROM system.numbers SETTINGS max_block_size=1 FORMAT Null"};
        // The engine runs deep call stacks on the thread that enters it; a JVM main thread's 1 MB may not do.
        Thread engine = new Thread(null, () -> {
            int rc = chdb.chdb_query_cmdline(argv.length, argv);
            System.err.println("paypulse: chdb_query_cmdline returned " + rc);
            System.err.flush();
            libc._exit(rc == 0 ? 0 : 1);
        }, "chdb-engine", 64L << 20);
        engine.start();
    }
}
