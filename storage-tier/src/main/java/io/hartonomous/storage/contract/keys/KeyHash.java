package io.hartonomous.storage.contract.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 of an API key: the only form in which keys are stored or compared. */
public final class KeyHash {
    private final byte[] sha256;

    private KeyHash(byte[] sha256) {
        this.sha256 = sha256;
    }

    public static KeyHash wrap(byte[] sha256) {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a key hash is 32 bytes");
        }
        return new KeyHash(sha256.clone());
    }

    public static KeyHash ofKey(String apiKey) {
        try {
            return new KeyHash(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public byte[] bytes() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHash other && MessageDigest.isEqual(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(sha256);
    }
}
