package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The one decision between the Vector API kernels and their scalar twins, and what the facades hand out. */
class KernelProviderTest {
    @Test
    void theWidthDecidesUnlessThePropertyOrAMissingModuleForcesTheTwins() {
        assertThat(KernelProvider.vectorBits(Optional.empty(), true, () -> 256)).isEqualTo(256);
        assertThat(KernelProvider.vectorBits(Optional.of("vector"), true, () -> 512)).isEqualTo(512);
        assertThat(KernelProvider.vectorBits(Optional.of("scalar"), true, () -> 256)).isZero();
        assertThat(KernelProvider.vectorBits(Optional.of("SCALAR"), true, () -> 256)).isZero();
        assertThat(KernelProvider.vectorBits(Optional.empty(), true, () -> 64)).isZero();
        assertThat(KernelProvider.vectorBits(Optional.empty(), false, () -> {
            throw new AssertionError("the preferred width is asked only when the module is present");
        })).isZero();
    }

    @Test
    void facadesHandOutTheVectorKernelsWhereTheyFitAndTheTwinsElsewhere() {
        int bits = KernelProvider.vectorBits();
        boolean vector = bits > 0;
        assertThat(PixelKernels.implementation()).isInstanceOf(vector ? VectorPixelKernels.class
                : ScalarPixelKernels.class);
        assertThat(PcmKernels.implementation()).isInstanceOf(vector ? VectorPcmKernels.class : ScalarPcmKernels.class);
        assertThat(HalfKernels.implementation()).isInstanceOf(vector ? VectorHalfKernels.class
                : ScalarHalfKernels.class);
        assertThat(OrdinalKernels.implementation()).isInstanceOf(vector ? VectorOrdinalKernels.class
                : ScalarOrdinalKernels.class);
        assertThat(StatsKernels.implementation()).isInstanceOf(vector ? VectorStatsKernels.class
                : ScalarStatsKernels.class);
        assertThat(DistinctKernels.implementation()).isInstanceOf(vector ? VectorDistinctKernels.class
                : ScalarDistinctKernels.class);
        assertThat(DistanceKernels.implementation()).isInstanceOf(vector ? VectorDistanceKernels.class
                : ScalarDistanceKernels.class);
        assertThat(FeatureKernels.implementation()).isInstanceOf(vector ? VectorFeatureKernels.class
                : ScalarFeatureKernels.class);
        // the block loops need 8 or 16 float lanes
        assertThat(DequantKernels.implementation()).isInstanceOf(bits >= 256 && bits <= 512
                ? VectorDequantKernels.class : ScalarDequantKernels.class);
        assertThat(KernelProvider.describe()).isEqualTo(vector ? "Vector API, " + bits + "-bit" : "scalar twins");
    }

    @Test
    void theTestJvmRunsTheVectorKernels() {
        // surefire adds the incubator module; on a machine with 128-bit vectors or more this must take the SIMD path,
        // or the agreement tests would compare the twins with themselves through the facades
        assumeThat(System.getProperty(KernelProvider.PROPERTY)).isNull();
        assumeThat(jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize()).isGreaterThanOrEqualTo(128);
        assertThat(KernelProvider.vectorBits()).isGreaterThanOrEqualTo(128);
    }
}
