package io.hartonomous.storage.deploy;

/** A batch of a script as sent to the server: what came between two GO separators. */
public record ScriptBatch(String scriptName, int batchNumber, int startLine, String sql) {

    public String where() {
        return "script " + scriptName + ", batch " + batchNumber + " (starting at line " + startLine + ")";
    }
}
