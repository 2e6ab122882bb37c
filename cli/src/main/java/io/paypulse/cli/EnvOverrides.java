package io.paypulse.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * The process environment with command-line flags laid over it: flags win, and every component then
 * parses its configuration record from this one map.
 */
final class EnvOverrides {

    private final Map<String, String> values;

    EnvOverrides(Map<String, String> env) {
        this.values = new HashMap<>(env);
    }

    static EnvOverrides fromSystem() {
        return new EnvOverrides(System.getenv());
    }

    EnvOverrides set(String name, Object flagValue) {
        if (flagValue != null) {
            values.put(name, flagValue.toString());
        }
        return this;
    }

    EnvOverrides setIfAbsent(String name, String value) {
        values.putIfAbsent(name, value);
        return this;
    }

    boolean has(String name) {
        String v = values.get(name);
        return v != null && !v.isBlank();
    }

    String get(String name) {
        return values.get(name);
    }

    Map<String, String> asMap() {
        return Map.copyOf(values);
    }
}
