package io.hartonomous.storage.contract.atoms;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 over {@code utf8(modality + "/" + subtype) || 0x00 || value}: typed like git's object header,
 * so a pixel and a weight with the same bytes are different atoms.
 */
public final class ContentHash implements Comparable<ContentHash> {
    public static final int BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ContentHash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ContentHash wrap(byte[] sha256) {
        if (sha256 == null || sha256.length != BYTES) {
            throw new IllegalArgumentException("a content hash is exactly 32 bytes");
        }
        return new ContentHash(sha256.clone());
    }

    public static ContentHash fromHex(String hex) {
        if (hex == null || hex.length() != BYTES * 2) {
            throw new IllegalArgumentException("a content hash is 64 hexadecimal digits, got "
                    + (hex == null ? "nothing" : hex.length() + " characters"));
        }
        try {
            return new ContentHash(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("content hash '" + hex + "' is not hexadecimal", e);
        }
    }

    /** Hash of a leaf value. */
    public static ContentHash of(AtomType type, byte[] value) {
        MessageDigest digest = newDigest(type);
        digest.update(value);
        return new ContentHash(digest.digest());
    }

    /** Hash of a leaf value held in {@code value[offset, offset+length)}. */
    public static ContentHash of(AtomType type, byte[] value, int offset, int length) {
        MessageDigest digest = newDigest(type);
        digest.update(value, offset, length);
        return new ContentHash(digest.digest());
    }

    /** A digest already fed the typed header; feed it the value (for files, stream the bytes) and {@link #finish}. */
    public static MessageDigest newDigest(AtomType type) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(type.hashHeader());
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static ContentHash finish(MessageDigest digest) {
        return new ContentHash(digest.digest());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentHash other && Arrays.equals(bytes, other.bytes);
    }

    /** A SHA-256 is uniform already: its first four bytes hash as well as all 32, at a fraction of the work. */
    @Override
    public int hashCode() {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public int compareTo(ContentHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
