package io.paypulse.flink.config;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which personal data is removed from a Stripe event before it is stored. A field is matched by its
 * JSON name at any depth, so the same rule covers {@code charge.billing_details},
 * {@code source.owner} or an invoice's {@code customer_email} wherever Stripe nests them. A matched
 * scalar becomes {@value #REDACTED}; a matched object or array keeps its shape and every non-null
 * scalar inside becomes {@value #REDACTED}. {@code null} stays {@code null}, so analysts can still
 * see whether a value was present.
 *
 * <p>The default fields ({@link #DEFAULT_FIELDS}) cover names, e-mail addresses, phone numbers,
 * postal addresses, IP addresses, tax ids, card, device and payer fingerprints, last four digits and
 * expiry, receipt links and client secrets. Besides them, every field whose name starts with
 * {@value #ADDRESS_PREFIX} is redacted (a legacy card source's {@code address_line1} ... {@code address_zip},
 * a Japanese {@code address_kana}), except the card checks ending in {@value #CHECK_SUFFIX}, which only
 * say {@code pass} or {@code fail}. Card brand, country and funding are kept: the metrics group by them
 * and they do not identify a person.
 *
 * <p>The defaults only grow: a policy restored from an older job graph redacts today's defaults too.
 */
public final class RedactionPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The text that replaces a redacted value. */
    public static final String REDACTED = "[redacted]";

    /** Field names redacted when redaction is on. */
    public static final Set<String> DEFAULT_FIELDS = Set.of(
            // whole objects that describe a person or where they live (wallets and dispute evidence
            // carry billing_address and shipping_address)
            "billing_details", "shipping", "shipping_details", "customer_details", "customer_shipping",
            "customer_address", "owner", "address", "verified_address", "billing_address", "shipping_address",
            // a legacy card source's address, field by field (ADDRESS_PREFIX covers them too)
            "address_line1", "address_line2", "address_city", "address_state", "address_zip", "address_country",
            // names, e-mail, phone: card-present cardholders, bank account holders, PayPal payers, dispute evidence
            "name", "customer_name", "verified_name", "cardholder_name", "account_holder_name", "payer_name",
            "email", "receipt_email", "customer_email", "customer_email_address", "verified_email", "payer_email",
            "phone", "customer_phone", "verified_phone",
            // network and device identity; dispute evidence's access_activity_log lists the customer's IPs
            "ip", "ip_address", "client_ip", "customer_purchase_ip", "user_agent", "access_activity_log",
            "customer_device_fingerprint", "customer_device_id",
            // tax ids
            "tax_id", "tax_ids", "customer_tax_ids",
            // data that can single out a card, an account or its holder
            "fingerprint", "last4", "dynamic_last4", "exp_month", "exp_year", "payer_id",
            // links and secrets that open a customer's receipt or payment
            "receipt_url", "client_secret");

    /** Names starting with this are redacted too, unless they end with {@link #CHECK_SUFFIX}. */
    public static final String ADDRESS_PREFIX = "address_";
    /** Verification results such as {@code address_line1_check}: {@code pass}, {@code fail}, no personal data. */
    public static final String CHECK_SUFFIX = "_check";

    private final boolean enabled;
    /**
     * A hash set, because {@link #redacts} looks up every field name of every body; sorted only where it
     * is shown. Declared as a {@code Set}: a policy serialised when this class kept a {@code TreeSet} here
     * (and a {@code HashSet} beside it) restores with that {@code TreeSet}, which {@link #readResolve} replaces.
     */
    private final Set<String> fields;

    private RedactionPolicy(boolean enabled, Collection<String> fields) {
        this.enabled = enabled;
        this.fields = new HashSet<>(fields);
    }

    /** Redacts {@link #DEFAULT_FIELDS} plus {@code extraFields}. */
    public static RedactionPolicy defaults(Collection<String> extraFields) {
        Set<String> all = new HashSet<>(DEFAULT_FIELDS);
        for (String field : extraFields) {
            if (field.isBlank()) {
                throw new IllegalArgumentException("an extra redaction field name is empty");
            }
            all.add(field.strip());
        }
        return new RedactionPolicy(true, all);
    }

    /** Stores payloads exactly as Stripe sent them. */
    public static RedactionPolicy off() {
        return new RedactionPolicy(false, Set.of());
    }

    public boolean enabled() {
        return enabled;
    }

    /** The redacted field names, sorted. Empty when off. */
    public Set<String> fields() {
        return new TreeSet<>(fields);
    }

    /**
     * Whether a field of this name is redacted, wherever it occurs. The job applies the policy while
     * it copies each body: see {@code EventBodyReader}.
     */
    public boolean redacts(String fieldName) {
        return enabled && (fields.contains(fieldName)
                || fieldName.startsWith(ADDRESS_PREFIX) && !fieldName.endsWith(CHECK_SUFFIX));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedactionPolicy other && other.enabled == enabled && other.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode() * 31 + Boolean.hashCode(enabled);
    }

    @Override
    public String toString() {
        return enabled ? "RedactionPolicy" + fields() : "RedactionPolicy[off]";
    }

    /**
     * The hash set the lookup needs, whatever set a serialised policy held, and, when it redacts, at least
     * today's {@link #DEFAULT_FIELDS}: a policy written before a default was added must not store that field.
     */
    private Object readResolve() {
        if (enabled && !fields.containsAll(DEFAULT_FIELDS)) {
            Set<String> all = new HashSet<>(fields);
            all.addAll(DEFAULT_FIELDS);
            return new RedactionPolicy(true, all);
        }
        return fields instanceof HashSet ? this : new RedactionPolicy(enabled, fields);
    }
}
