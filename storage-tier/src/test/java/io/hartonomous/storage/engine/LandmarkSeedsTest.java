package io.hartonomous.storage.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeded landmarks are part of every engine's stored data (SpatialLandmarks): they must never drift. The
 * expected bits were taken from the embedded engine's algorithm before it moved here.
 */
class LandmarkSeedsTest {

    @Test
    void landmarksAreTheSeededValuesOfEveryEngine() {
        float[][] test16 = LandmarkSeeds.landmarks("test-16");
        assertThat(test16).hasDimensions(LandmarkSeeds.AXES, 1998);
        assertThat(Float.floatToRawIntBits(test16[0][0])).isEqualTo(-1096938323);
        assertThat(Float.floatToRawIntBits(test16[0][1997])).isEqualTo(-1106920631);
        assertThat(Float.floatToRawIntBits(test16[1][0])).isEqualTo(1057484861);
        assertThat(Float.floatToRawIntBits(test16[1][1997])).isEqualTo(1045018055);
        float[][] image = LandmarkSeeds.landmarks("builtin-image");
        assertThat(Float.floatToRawIntBits(image[0][0])).isEqualTo(-1086976569);
        assertThat(Float.floatToRawIntBits(image[1][1997])).isEqualTo(1036495092);
    }

    @Test
    void landmarksAreDeterministicPerTypeAndInRange() {
        assertThat(LandmarkSeeds.landmarks("a")).isDeepEqualTo(LandmarkSeeds.landmarks("a"));
        assertThat(LandmarkSeeds.landmarks("a")[0]).isNotEqualTo(LandmarkSeeds.landmarks("b")[0]);
        for (float[] axis : LandmarkSeeds.landmarks("range")) {
            for (float v : axis) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }
}
