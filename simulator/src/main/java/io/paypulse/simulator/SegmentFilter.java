package io.paypulse.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Which segments an incident hits: every field that is set must match, so {@code brand=visa,
 * country=BR} is Visa cards issued in Brazil, whatever their funding.
 */
public record SegmentFilter(String method, String brand, String country, String currency, String funding) {

    public boolean matches(Segment s) {
        return (method == null || method.equalsIgnoreCase(s.method()))
                && (brand == null || brand.equalsIgnoreCase(s.brand()))
                && (country == null || country.equalsIgnoreCase(s.country()))
                && (currency == null || currency.equalsIgnoreCase(s.currency()))
                && (funding == null || funding.equalsIgnoreCase(s.funding()));
    }

    public boolean isEmpty() {
        return method == null && brand == null && country == null && currency == null && funding == null;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        add(parts, "method", method);
        add(parts, "brand", brand);
        add(parts, "country", country);
        add(parts, "currency", currency);
        add(parts, "funding", funding);
        return String.join(",", parts);
    }

    private static void add(List<String> parts, String name, String value) {
        if (value != null) {
            parts.add(name + "=" + value);
        }
    }
}
