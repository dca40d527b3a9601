package io.hartonomous.api.atoms;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.PlacedValue;

import java.util.List;
import java.util.stream.Stream;

/**
 * What reconstruction needs to know about a parent before the first byte goes out: its extent (from the metadata the
 * atomizer wrote, or else from its last composition) and the leaf type of its values (the stored truth for bit
 * depth). The extent is checked against the stored compositions: the last one must sit where the extent says.
 */
final class MediaLayout {
    private MediaLayout() {
    }

    /** An image: sequence = y * width + x; {@code type} rgba8 or rgba16. */
    record Image(int width, int height, AtomType type) {
        long pixels() {
            return (long) width * height;
        }

        boolean sixteenBit() {
            return "rgba16".equals(type.subtype());
        }
    }

    /** Audio: x = frame, y = channel, sequence = frame * channels + channel. */
    record Audio(long sampleRate, int channels, long frames, AtomType type, boolean extensible, int validBits,
                 long channelMask) {
        long samples() {
            return frames * channels;
        }

        int bytesPerSample() {
            return type.valueBytes();
        }

        boolean floating() {
            return type.subtype().startsWith("float");
        }
    }

    static Image image(Atom parent, JsonNode meta, AtomReads reads) {
        AtomType type = firstType(parent, reads);
        if (!type.subtype().startsWith("rgba")) {
            throw new ConflictException("atom " + parent.atomId() + " holds " + type + " values, not pixels");
        }
        long width = number(meta, "width");
        long height = number(meta, "height");
        if (width <= 0 || height <= 0) {
            AtomComposition last = lastByCount(parent, reads);
            width = last.positionX() + 1;
            height = last.positionY() + 1;
        }
        if (width > Integer.MAX_VALUE / 8 - 1 || height > Integer.MAX_VALUE) {
            throw new ConflictException("atom " + parent.atomId() + " is " + width + "x" + height
                    + ", larger than a PNG row can hold");
        }
        requireLast(parent, reads, width * height, width - 1, height - 1);
        return new Image((int) width, (int) height, type);
    }

    static Audio audio(Atom parent, JsonNode meta, AtomReads reads) {
        AtomType type = firstType(parent, reads);
        if (!type.subtype().startsWith("pcm") && !type.subtype().startsWith("float")) {
            throw new ConflictException("atom " + parent.atomId() + " holds " + type + " values, not samples");
        }
        long rate = number(meta, "sampleRate");
        if (rate <= 0 || rate > 0xFFFFFFFFL) {
            throw new ConflictException("atom " + parent.atomId() + " has no usable sampleRate in its metadata");
        }
        long channels = number(meta, "channels");
        long frames = number(meta, "frames");
        if (channels <= 0 || frames <= 0) {
            AtomComposition last = lastByCount(parent, reads);
            frames = last.positionX() + 1;
            channels = last.positionY() + 1;
        }
        if (channels > 65535) {
            throw new ConflictException("atom " + parent.atomId() + " claims " + channels + " channels");
        }
        requireLast(parent, reads, frames * channels, frames - 1, channels - 1);
        int bits = type.valueBytes() * 8;
        // The source's own choice when the atomizer recorded it, else the usual rule.
        boolean extensible = meta != null && meta.path("extensible").isBoolean() ? meta.get("extensible").asBoolean()
                : channels > 2 || bits > 16;
        long valid = number(meta, "validBitsPerSample");
        long mask = meta != null && meta.has("channelMask") ? meta.get("channelMask").asLong() : defaultMask((int) channels);
        return new Audio(rate, (int) channels, frames, type, extensible,
                valid > 0 && valid <= bits ? (int) valid : bits, mask);
    }

    /** Speaker positions for the usual layouts (mono, stereo, quad, 5.1, 7.1); none otherwise. */
    private static long defaultMask(int channels) {
        return switch (channels) {
            case 1 -> 0x4;
            case 2 -> 0x3;
            case 4 -> 0x33;
            case 6 -> 0x3F;
            case 8 -> 0x63F;
            default -> 0;
        };
    }

    private static long number(JsonNode meta, String field) {
        if (meta == null || !meta.path(field).canConvertToLong()) {
            return -1;
        }
        return meta.get(field).asLong();
    }

    private static AtomType firstType(Atom parent, AtomReads reads) {
        try (Stream<PlacedValue> first = reads.placedValues(parent.atomId(), 0, 1)) {
            return first.findFirst().map(PlacedValue::type).orElseThrow(() -> new ConflictException(
                    "atom " + parent.atomId() + " has no components to reconstruct"));
        }
    }

    /** The last composition, found by counting (used only when the metadata does not give the extent). */
    private static AtomComposition lastByCount(Atom parent, AtomReads reads) {
        long count = reads.compositionCount(parent.atomId());
        try (Stream<AtomComposition> last = reads.compositions(parent.atomId(), count - 1, 1)) {
            return last.findFirst().orElseThrow(() -> new ConflictException(
                    "atom " + parent.atomId() + " has no components to reconstruct"));
        }
    }

    private static void requireLast(Atom parent, AtomReads reads, long total, long x, long y) {
        List<AtomComposition> tail;
        try (Stream<AtomComposition> rows = reads.compositions(parent.atomId(), total - 1, 2)) {
            tail = rows.toList();
        }
        if (tail.size() != 1 || tail.getFirst().sequenceIndex() != total - 1 || tail.getFirst().positionX() != x
                || tail.getFirst().positionY() != y) {
            throw new ConflictException("atom " + parent.atomId() + " cannot be reconstructed: its compositions do "
                    + "not end at value " + (total - 1) + " (" + x + ", " + y + ") as its metadata says");
        }
    }
}
