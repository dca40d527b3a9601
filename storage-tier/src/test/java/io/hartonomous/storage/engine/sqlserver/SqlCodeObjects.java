package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.deploy.BatchSplitter;
import io.hartonomous.storage.deploy.SchemaScript;
import io.hartonomous.storage.deploy.ScriptBatch;
import io.hartonomous.storage.deploy.ScriptSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripts of sql/ as the deployer applies them, read for structural tests: every batch with its script's name
 * (comments blanked, {@link TsqlText#code}), and each procedure, function or view by its name.
 */
final class SqlCodeObjects {
    private static final Pattern CODE_OBJECT = Pattern.compile(
            "CREATE\\s+OR\\s+ALTER\\s+(PROCEDURE|FUNCTION|VIEW)\\s+([\\w.]+)", Pattern.CASE_INSENSITIVE);

    /** One batch: the script it is in and its code. */
    record Batch(String script, String code) {
    }

    /** A code object: its batch and the script that creates it. */
    private record CodeObject(String code, String script) {
    }

    private final List<Batch> batches = new ArrayList<>();
    private final Map<String, CodeObject> objects = new LinkedHashMap<>();

    private SqlCodeObjects() {
    }

    static SqlCodeObjects read() {
        SqlCodeObjects sql = new SqlCodeObjects();
        for (SchemaScript script : ScriptSource.fromClasspath("sql")) {
            for (ScriptBatch b : BatchSplitter.split(script)) {
                String code = TsqlText.code(b.sql());
                sql.batches.add(new Batch(script.name(), code));
                Matcher m = CODE_OBJECT.matcher(code);
                if (m.find()) {
                    sql.objects.put(m.group(2).toLowerCase(), new CodeObject(code, script.name()));
                }
            }
        }
        return sql;
    }

    List<Batch> batches() {
        return batches;
    }

    /** The batch creating {@code name}; the test fails when sql/ does not create it. */
    String code(String name) {
        CodeObject o = objects.get(name.toLowerCase());
        assertThat(o).as(name + " is created in sql/").isNotNull();
        return o.code();
    }

    /** The batch creating {@code name}, if sql/ creates it. */
    Optional<String> codeIfAny(String name) {
        return Optional.ofNullable(objects.get(name.toLowerCase())).map(CodeObject::code);
    }

    /** The script that creates {@code name}, or null. */
    String scriptOf(String name) {
        CodeObject o = objects.get(name.toLowerCase());
        return o == null ? null : o.script();
    }

    /** Every batch of one script, joined; the test fails when the script has none. */
    String script(String name) {
        StringBuilder out = new StringBuilder();
        for (Batch b : batches) {
            if (b.script().equals(name)) {
                out.append(b.code()).append('\n');
            }
        }
        assertThat(out).as(name).isNotEmpty();
        return out.toString();
    }

    /** Names of the code objects, lower case. */
    Set<String> names() {
        return objects.keySet();
    }
}
