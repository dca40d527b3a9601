package io.hartonomous.storage.contract.inference;

/**
 * One tensor a run read: its layer, its name, how many values, and the SHA-256 (hex, lower case) of the values as the
 * run used them (row-major, each value's canonical little-endian bytes), so the receipt says exactly which weights
 * produced an output even after they are tuned or rolled back.
 */
public record ReceiptTensor(int layerIdx, String name, long elementCount, String sha256) {
    public ReceiptTensor {
        if (name == null || sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("a receipt tensor needs a name and a 64-digit SHA-256");
        }
    }
}
