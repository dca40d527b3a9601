package io.hartonomous.storage.deploy;

import java.util.List;

/** What a deployment will do with each script. */
public record DeployPlan(List<Step> steps) {

    public enum Action { APPLY, UP_TO_DATE }

    public record Step(SchemaScript script, Action action, int batches) {
    }

    public DeployPlan {
        steps = List.copyOf(steps);
    }

    public List<Step> toApply() {
        return steps.stream().filter(s -> s.action() == Action.APPLY).toList();
    }

    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Step step : steps) {
            out.append(String.format("  %-11s %-40s %3d batch%s  sha256 %s%n",
                    step.action() == Action.APPLY ? "apply" : "up to date", step.script().name(), step.batches(),
                    step.batches() == 1 ? " " : "es", step.script().checksum().substring(0, 12)));
        }
        out.append(toApply().size()).append(" of ").append(steps.size()).append(" scripts to apply");
        return out.toString();
    }
}
