package io.hartonomous.api.models;

import io.hartonomous.storage.contract.models.ModelLayer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightValuesTest {
    private static ModelLayer layer(String storedAs, Long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new ModelLayer(1, 0, "t", List.of(shape), storedAs.toUpperCase(), storedAs, n);
    }

    @Test
    void positionsFollowTheAtomizersLayout() {
        assertThat(WeightValues.position(List.of(), new long[0])).containsExactly(0, 0, 0);
        assertThat(WeightValues.position(List.of(7L), new long[] {5})).containsExactly(5, 0, 0);
        assertThat(WeightValues.position(List.of(2L, 3L), new long[] {1, 2})).containsExactly(2, 1, 0);
        // z flattens the outer indices in C order: (1, 2) of (2, 3) outer dims -> 1 * 3 + 2 = 5
        assertThat(WeightValues.position(List.of(2L, 3L, 4L, 5L), new long[] {1, 2, 3, 4})).containsExactly(4, 3, 5);
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertThat(WeightValues.bfloat16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(WeightValues.bfloat16(1.00390625f)).as("tie -> even").isEqualTo((short) 0x3F80);
        assertThat(WeightValues.bfloat16(1.01171875f)).as("tie -> even (up)").isEqualTo((short) 0x3F82);
        assertThat(WeightValues.bfloat16(Math.nextUp(1.00390625f))).as("just above the tie").isEqualTo((short) 0x3F81);
        assertThat(WeightValues.bfloat16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Float.isNaN(Float.intBitsToFloat(WeightValues.bfloat16(Float.NaN) << 16))).isTrue();
        assertThat(WeightValues.bfloat16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
    }

    @Test
    void valuesAreStoredInTheTensorsOwnPrecisionLittleEndian() {
        assertThat(WeightValues.atom(layer("f32", 2L), 1.5).value())
                .isEqualTo(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).array());
        assertThat(WeightValues.atom(layer("f16", 2L), 1.5).value()).containsExactly(0x00, 0x3E);
        assertThat(WeightValues.atom(layer("i16", 2L), -2).value()).containsExactly(0xFE, 0xFF);
        assertThat(WeightValues.atom(layer("u8", 2L), 255).value()).containsExactly(0xFF);
        assertThat(WeightValues.atom(layer("bool", 2L), 1).value()).containsExactly(1);
        assertThatThrownBy(() -> WeightValues.atom(layer("i8", 2L), 0.5)).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> WeightValues.atom(layer("u8", 2L), 256)).hasMessageContaining("[0, 255]");
        assertThatThrownBy(() -> WeightValues.atom(layer("q4_0", 2L), 1)).hasMessageContaining("no numeric");
    }
}
