package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Posts files to a running ingest tier with a progress bar; waits for long jobs to finish. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Post files to the ingest tier (kind from --kind, else guessed by the server from the bytes).")
final class IngestCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--url", defaultValue = "http://localhost:8081", description = "Ingest tier (default ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--kind", description = "image, audio or model (default: from the file's magic bytes)")
    String kind;

    @Option(names = "--api-key", description = "Key with scope ingest (default: $HART_API_KEY or data/api-key)")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        String key = apiKey != null ? apiKey : ConsoleKey.bootstrap(Layout.current().dataDir());
        TierClient ingestTier = TierClient.of(url, key);
        int failures = 0;
        for (Path file : files) {
            try {
                JsonNode result = ingestTier.ingest(file,
                        kind != null ? kind : KindGuess.of(file), new ProgressBar(file.getFileName().toString(),
                                Files.size(file)));
                System.out.printf(Locale.ROOT, "%s  atom %s  %s  distinct %d  new %d  compositions %d%n",
                        file.getFileName(), result.path("atomId").asText(), result.path("contentHash").asText(),
                        result.path("distinctAtoms").asLong(), result.path("newAtoms").asLong(),
                        result.path("compositions").asLong());
            } catch (TierClient.Refused e) {
                failures++;
                System.err.println(file.getFileName() + ": " + e.getMessage());
            } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
                System.err.println("cannot reach the ingest tier at " + url + " (" + e.getClass().getSimpleName()
                        + "): is it running? './hart serve' starts it");
                return 1;
            } catch (IOException e) {
                failures++;
                System.err.println(file.getFileName() + ": the ingest tier at " + url + " broke off the upload ("
                        + e.getMessage() + "); see its log");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** Which endpoint to post to when the user does not say: a cheap look at the magic bytes. */
    static final class KindGuess {
        private KindGuess() {
        }

        static String of(Path file) throws IOException {
            byte[] head = new byte[16];
            try (var in = Files.newInputStream(file)) {
                int n = in.readNBytes(head, 0, head.length);
                String ascii = new String(head, 0, n, StandardCharsets.ISO_8859_1);
                if (ascii.startsWith("RIFF") || ascii.startsWith("RF64") || ascii.startsWith("fLaC")
                        || ascii.startsWith("OggS")) {
                    return "audio";
                }
                if (ascii.startsWith("GGUF") || file.toString().endsWith(".onnx")
                        || file.toString().endsWith(".safetensors")) {
                    return "model";
                }
                return "image";
            }
        }
    }
}
