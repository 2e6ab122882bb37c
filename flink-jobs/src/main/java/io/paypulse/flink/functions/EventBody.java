package io.paypulse.flink.functions;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one pass over a Stripe event body found: the body as it is stored (redacted under the
 * policy) and the fields of {@code data.object} that payment attempts and payouts are made of, as
 * Stripe sent them (redaction never changes what the metrics count). A text field is {@code ""}
 * when it is missing, null or not a string; a number is empty when missing or not an integer that
 * fits a long. Where a field occurs twice, the last one counts, as in a JSON tree.
 */
public final class EventBody {

    private final String stored;
    private final Map<String, String> text;
    private final Map<String, Long> integers;
    private final Map<String, Map<String, String>> methodDetails;

    EventBody(String stored, Map<String, String> text, Map<String, Long> integers,
              Map<String, Map<String, String>> methodDetails) {
        this.stored = stored;
        this.text = text;
        this.integers = integers;
        this.methodDetails = methodDetails;
    }

    /** The body to store: redacted when the policy is on, otherwise exactly as received. */
    public String stored() {
        return stored;
    }

    /**
     * A text field of {@code data.object}, by its path below it: {@code "currency"},
     * {@code "outcome.type"}, {@code "payment_method_details.type"}.
     */
    public String text(String path) {
        return text.getOrDefault(path, "");
    }

    /** An integer field of {@code data.object}, by its path below it, e.g. {@code "amount"}. */
    public OptionalLong integer(String path) {
        Long value = integers.get(path);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * A text field of {@code data.object.payment_method_details.<method>}, e.g. the {@code brand} of
     * method {@code card}: Stripe nests a method's attributes under the method type's name.
     */
    public String methodDetail(String method, String field) {
        return methodDetails.getOrDefault(method, Map.of()).getOrDefault(field, "");
    }

    static Map<String, Map<String, String>> newMethodDetails() {
        return new HashMap<>(4);
    }
}
