package io.paypulse.bridge;

import io.paypulse.infra.stripe.StripeEventSamples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Sends webhooks to a bridge the way Stripe does: a POST with a Stripe-Signature over the raw body. */
final class SignedWebhooks {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    SignedWebhooks(URI endpoint) {
        this.endpoint = endpoint;
    }

    HttpResponse<String> send(String payload, String secret) throws IOException, InterruptedException {
        return sendWithHeader(payload, StripeEventSamples.signatureHeader(payload, secret, Instant.now().getEpochSecond()));
    }

    HttpResponse<String> sendWithHeader(String payload, String signatureHeader) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
