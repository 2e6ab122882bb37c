package io.paypulse.infra.internal;

import kafka.tools.StorageTool;

/**
 * Entry point of the Kafka child JVM: formats the KRaft storage on first start, then runs a combined
 * broker and controller until SIGTERM. Arguments: {@code <server.properties> <cluster id>}.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        ParentWatch.exitWithParent();
        try {
            // --ignore-formatted: a restart reuses the formatted log dirs, whose records must survive.
            int rc = StorageTool.execute(new String[] {"format", "--config", args[0], "--cluster-id", args[1],
                    "--ignore-formatted"}, System.out);
            if (rc != 0) {
                System.err.println("paypulse: kafka storage format failed with code " + rc);
                System.exit(rc);
            }
            kafka.Kafka.main(new String[] {args[0]});
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }
}
