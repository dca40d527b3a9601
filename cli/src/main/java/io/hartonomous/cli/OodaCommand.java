package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./hart ooda status|cycle|approve ID|reject ID|stop|start}: the storage's OODA loop through the API's admin
 * endpoints (/api/admin/ooda), with the console's bootstrap admin key.
 */
@Command(name = "ooda", mixinStandardHelpOptions = true,
        subcommands = {OodaCommand.Status.class, OodaCommand.Cycle.class, OodaCommand.Approve.class,
                OodaCommand.Reject.class, OodaCommand.Stop.class, OodaCommand.Start.class},
        description = "The storage's self-tuning loop: its cycles and proposals, approvals, the emergency stop.")
final class OodaCommand {
    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "API (default ${DEFAULT-VALUE})",
            scope = picocli.CommandLine.ScopeType.INHERIT)
    URI url;

    @Option(names = "--api-key", description = "Admin key of the bootstrap tenant (default: $HART_API_KEY or "
            + "data/api-key)", scope = picocli.CommandLine.ScopeType.INHERIT)
    String apiKey;

    /** One call to the API, its answer printed; what every subcommand shares. */
    abstract static class Call implements Callable<Integer> {
        @ParentCommand
        OodaCommand parent;
        @Spec
        CommandSpec spec;

        abstract void run(TierClient api, PrintWriter out) throws IOException, InterruptedException;

        @Override
        public final Integer call() throws Exception {
            String key = parent.apiKey != null ? parent.apiKey : ConsoleKey.bootstrap(Layout.current().dataDir());
            PrintWriter out = spec.commandLine().getOut();
            try {
                run(TierClient.of(parent.url, key), out);
                out.flush();
                return 0;
            } catch (TierClient.Refused e) {
                spec.commandLine().getErr().println("ooda: " + e.getMessage());
                return 1;
            } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
                spec.commandLine().getErr().println("cannot reach the API at " + parent.url + " ("
                        + e.getClass().getSimpleName() + "): is it running? './hart serve' starts it");
                return 1;
            }
        }
    }

    static void printStatus(JsonNode s, PrintWriter out) {
        out.printf(Locale.ROOT, "loop %s, %s, %s, at most %d changes per cycle, history kept %d s%n",
                s.path("running").asBoolean() ? "running" : "STOPPED",
                s.path("dryRun").asBoolean() ? "dry run" : "acting",
                s.path("requireApproval").asBoolean() ? "approval required" : "no approval needed",
                s.path("maxChangesPerCycle").asInt(), s.path("historyRetentionSeconds").asLong());
    }

    static void printCycle(JsonNode c, PrintWriter out) {
        out.printf(Locale.ROOT, "cycle %s  %s%s%n", c.path("cycleId").asText(), c.path("startedAt").asText(),
                c.path("dryRun").asBoolean() ? "  (dry run)" : "");
        for (JsonNode o : c.path("observations")) {
            out.printf(Locale.ROOT, "  observed  %-22s %-40s %.2f  %s%n", o.path("kind").asText(),
                    o.path("target").asText(), o.path("metric").asDouble(), o.path("detail").asText(""));
        }
        for (JsonNode p : c.path("proposals")) {
            printProposal(p, out);
        }
    }

    static void printProposal(JsonNode p, PrintWriter out) {
        out.printf(Locale.ROOT, "  #%-6d %-9s %-18s %s%n", p.path("proposalId").asLong(), p.path("state").asText(),
                p.path("action").asText(), p.path("target").asText());
        out.println("          expected: " + p.path("expectedEffect").asText(""));
        if (!p.path("measuredEffect").isNull() && !p.path("measuredEffect").isMissingNode()) {
            out.println("          measured: " + p.path("measuredEffect").asText());
        }
        if (!p.path("error").isNull() && !p.path("error").isMissingNode()) {
            out.println("          error: " + p.path("error").asText());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether the loop runs, its latest cycles")
    static final class Status extends Call {
        @Option(names = "--limit", defaultValue = "5", description = "Cycles to show (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            JsonNode s = api.get("/api/admin/ooda?limit=" + limit);
            printStatus(s, out);
            for (JsonNode c : s.path("cycles")) {
                printCycle(c, out);
            }
        }
    }

    @Command(name = "cycle", mixinStandardHelpOptions = true, description = "Run one cycle now")
    static final class Cycle extends Call {
        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            printCycle(api.post("/api/admin/ooda/cycle", Map.of()), out);
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a proposal (outside dry run it is applied at once)")
    static final class Approve extends Call {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            printProposal(api.post("/api/admin/ooda/proposals/" + id + "/approve", Map.of()), out);
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a proposal")
    static final class Reject extends Call {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            printProposal(api.post("/api/admin/ooda/proposals/" + id + "/reject", Map.of()), out);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Emergency stop: no cycle runs until start (kept across restarts)")
    static final class Stop extends Call {
        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            printStatus(api.post("/api/admin/ooda/stop", Map.of()), out);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Lift the emergency stop")
    static final class Start extends Call {
        @Override
        void run(TierClient api, PrintWriter out) throws IOException, InterruptedException {
            printStatus(api.post("/api/admin/ooda/start", Map.of()), out);
        }
    }
}
