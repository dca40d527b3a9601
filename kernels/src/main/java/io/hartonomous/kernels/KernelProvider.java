package io.hartonomous.kernels;

import java.util.Optional;
import java.util.function.Supplier;

import jdk.incubator.vector.VectorShape;

/**
 * Decides once per JVM, at class initialisation, whether the Vector API kernels run on this machine or their scalar
 * twins do (the way jvector's {@code VectorizationProvider} does), and hands each kernel family its implementation.
 *
 * <p>The Vector API path is used when the {@code jdk.incubator.vector} module is in the boot layer, the preferred
 * vector shape is at least {@value #MIN_VECTOR_BITS} bits (narrower shapes have no SIMD speed-up worth the lane
 * bookkeeping) and {@code -D}{@value #PROPERTY}{@code =scalar} does not force the twins (for tests, benchmarks, or to
 * rule out a JIT problem). Each family facade ({@link PixelKernels}, {@link DequantKernels}, ...) keeps the chosen
 * implementation in a static final field: the JIT treats it as a constant, so the hot calls are direct and inlined,
 * with no capability test per call. The vector classes are only loaded when chosen, so a JVM without the incubator
 * module never touches them.
 */
public final class KernelProvider {
    /** System property; {@code scalar} forces every family onto its scalar twin. */
    public static final String PROPERTY = "hart.kernels";
    static final int MIN_VECTOR_BITS = 128;
    /** For families without an upper width limit. */
    static final int ANY_WIDTH = Integer.MAX_VALUE;
    private static final int VECTOR_BITS = vectorBits(Optional.ofNullable(System.getProperty(PROPERTY)),
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), () -> PreferredShape.bits());

    private KernelProvider() {
    }

    /**
     * The preferred vector width in bits the kernels may use, or 0 for scalar twins only. Pure, for the tests: the
     * property's value, whether the module is present, and the preferred width (asked only if the module is there).
     */
    static int vectorBits(Optional<String> property, boolean modulePresent, Supplier<Integer> preferredBits) {
        if (property.map(p -> p.equalsIgnoreCase("scalar")).orElse(false) || !modulePresent) {
            return 0;
        }
        int bits = preferredBits.get();
        return bits >= MIN_VECTOR_BITS ? bits : 0;
    }

    /**
     * The vector implementation if this machine's preferred width is within {@code [minBits, maxBits]} (a family
     * whose block layout needs a lane count in some range says so here), else the scalar twin.
     */
    static <T> T choose(int minBits, int maxBits, Supplier<? extends T> vector, Supplier<? extends T> scalar) {
        return VECTOR_BITS >= Math.max(minBits, MIN_VECTOR_BITS) && VECTOR_BITS <= maxBits ? vector.get()
                : scalar.get();
    }

    /** The preferred vector width the kernels use, in bits; 0 when every family runs its scalar twin. */
    public static int vectorBits() {
        return VECTOR_BITS;
    }

    /** One line for logs and benchmark reports, e.g. {@code "Vector API, 256-bit"}. */
    public static String describe() {
        return VECTOR_BITS > 0 ? "Vector API, " + VECTOR_BITS + "-bit" : "scalar twins";
    }

    /** Touches the incubator module only when called (after the module was found). */
    private static final class PreferredShape {
        static Integer bits() {
            return VectorShape.preferredShape().vectorBitSize();
        }
    }
}
