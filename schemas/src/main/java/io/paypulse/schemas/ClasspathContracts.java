package io.paypulse.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the contract files that the build packs under {@code paypulse-schemas/} on the classpath. */
final class ClasspathContracts {

    static final String PREFIX = "paypulse-schemas/";

    private ClasspathContracts() {
    }

    static InputStream open(String resource) {
        // This class's own loader: it is the one that loaded the jar the contracts travel in, also
        // under Flink's child-first user-code class loaders.
        InputStream in = ClasspathContracts.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Contract file " + resource + " is not on the classpath: "
                    + "it is packed into the paypulse-schemas jar from the schemas/ folder; rebuild that module");
        }
        return in;
    }

    static String readText(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read contract file " + resource, e);
        }
    }
}
