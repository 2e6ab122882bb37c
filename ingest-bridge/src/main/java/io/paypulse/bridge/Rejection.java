package io.paypulse.bridge;

/**
 * Why the bridge refused a request: the HTTP status it answers, the machine-readable code used as the
 * metric label and in the JSON error body, and a message that tells the sender what to do next.
 */
public enum Rejection {
    SIGNATURE_MISSING(400, "signature_missing",
            "The Stripe-Signature header is missing. Send webhooks from Stripe, or sign test requests as Stripe does."),
    SIGNATURE_MALFORMED(400, "signature_malformed",
            "The Stripe-Signature header is not of the form t=<unix seconds>,v1=<hex signature>."),
    SIGNATURE_MISMATCH(400, "signature_mismatch",
            "No v1 signature matches any configured endpoint secret. Check that STRIPE_WEBHOOK_SECRET holds this endpoint's signing secret."),
    TIMESTAMP_OUTSIDE_TOLERANCE(400, "timestamp_outside_tolerance",
            "The signature timestamp is outside the tolerance window. Check the sender's clock, or replay the event from Stripe."),
    BODY_TOO_LARGE(413, "body_too_large",
            "The request body exceeds the configured limit (BRIDGE_MAX_BODY_BYTES)."),
    INVALID_JSON(400, "invalid_json",
            "The body is signed but is not a JSON object. It was kept in stripe.events.dlq."),
    MISSING_ID(400, "missing_id",
            "The body is signed but has no string 'id'. It was kept in stripe.events.dlq."),
    MISSING_TYPE(400, "missing_type",
            "The body is signed but has no string 'type'. It was kept in stripe.events.dlq."),
    MISSING_CREATED(400, "missing_created",
            "The body is signed but has no 'created' timestamp. It was kept in stripe.events.dlq."),
    METHOD_NOT_ALLOWED(405, "method_not_allowed",
            "This path does not accept that method."),
    NOT_FOUND(404, "not_found",
            "No such path. Stripe webhooks go to POST /webhooks/stripe.");

    private final int status;
    private final String code;
    private final String message;

    Rejection(int status, String code, String message) {
        this.status = status;
        this.code = code;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String message() {
        return message;
    }

    /** True for the cases whose raw bytes are kept in the dead-letter topic. */
    public boolean deadLettered() {
        return this == INVALID_JSON || this == MISSING_ID || this == MISSING_TYPE || this == MISSING_CREATED;
    }
}
