package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench inference} (issue 15): MiniLM reassembled from the embedded engine against the original file,
 * and runs of the reassembled model against ONNX Runtime on the file, in one JVM of its own; then the same model
 * through {@code ./hart serve} over HTTP ({@link InferenceHttpBench}).
 */
@Command(name = "inference", mixinStandardHelpOptions = true,
        description = "Model reassembly from the embedded engine and cached runs vs ONNX Runtime on the file.")
final class InferenceBenchCommand implements Callable<Integer> {
    private static final String MAIN = "io.hartonomous.benchmarks.inference.InferenceBench";

    @Option(names = "--model", description = "ONNX model file (default: the quantized all-MiniLM-L6-v2 of the "
            + "test data cache).")
    String model;

    @Option(names = "--runs", defaultValue = "7", description = "Timed runs per figure (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--threads", defaultValue = "1",
            description = "ONNX Runtime intra-op threads (default ${DEFAULT-VALUE}, the API's default).")
    int threads;

    @Option(names = "--no-http", description = "Skip the runs through ./hart serve over HTTP.")
    boolean noHttp;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        List<String> args = new ArrayList<>(List.of("--docs", BenchJvm.docs(layout), "--runs",
                Integer.toString(runs), "--threads", Integer.toString(threads)));
        if (model != null) {
            args.addAll(List.of("--model", model));
        }
        int exit = BenchJvm.run(layout, MAIN, List.of("-Xmx1g"), args);
        if (exit != 0 || noHttp) {
            return exit;
        }
        Path file = model != null ? Path.of(model)
                : layout.root().resolve("testdata/cache/models/onnx/all-minilm-l6-v2-q.onnx");
        String md = new InferenceHttpBench(layout, file, runs * 3).run();
        System.out.println(md);
        return BenchJvm.writeSection(layout, "inference-http", md);
    }
}
