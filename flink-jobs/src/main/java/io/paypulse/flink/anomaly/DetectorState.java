package io.paypulse.flink.anomaly;

import io.paypulse.detect.Detector;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * A detector as bytes in Flink state. Detectors are small {@link java.io.Serializable} objects of
 * primitive fields, updated once per series and minute, so Java serialization costs nothing that
 * matters, and keeps the state independent of Flink's Kryo.
 */
final class DetectorState {

    private DetectorState() {
    }

    static byte[] toBytes(Detector detector) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(detector);
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialize a " + detector.kind() + " detector", e);
        }
        return bytes.toByteArray();
    }

    static Detector fromBytes(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Detector) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("detector state could not be read; was the detector class changed "
                    + "incompatibly? Start the job without this state to re-learn baselines", e);
        }
    }
}
