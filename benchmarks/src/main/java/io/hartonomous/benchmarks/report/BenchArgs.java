package io.hartonomous.benchmarks.report;

/** The benches' command lines: {@code MODE [--name value]...}. */
public final class BenchArgs {
    private BenchArgs() {
    }

    /** The value after {@code name}, or {@code fallback} when the option is absent. */
    public static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
