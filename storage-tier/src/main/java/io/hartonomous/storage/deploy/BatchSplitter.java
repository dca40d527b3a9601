package io.hartonomous.storage.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a script into batches on lines that hold only {@code GO} (as sqlcmd and SSMS do), never inside a block
 * comment or a string literal. {@code GO n} is refused: no script here repeats a batch.
 */
public final class BatchSplitter {
    private static final Pattern GO_LINE = Pattern.compile("^\\s*GO(?:\\s+(\\d+))?\\s*(?:--.*)?$",
            Pattern.CASE_INSENSITIVE);

    private BatchSplitter() {
    }

    public static List<ScriptBatch> split(SchemaScript script) {
        List<ScriptBatch> batches = new ArrayList<>();
        String[] lines = script.text().replace("\r\n", "\n").split("\n", -1);
        StringBuilder current = new StringBuilder();
        int batchStart = 1;
        LexState state = new LexState();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher go = GO_LINE.matcher(line);
            if (state.isCode() && go.matches()) {
                if (go.group(1) != null && !"1".equals(go.group(1))) {
                    throw new DeployException(script.name() + " line " + (i + 1) + ": 'GO " + go.group(1)
                            + "' (repeat a batch) is not supported");
                }
                add(batches, script.name(), current, batchStart);
                current.setLength(0);
                batchStart = i + 2;
                continue;
            }
            state.scan(line);
            current.append(line).append('\n');
        }
        add(batches, script.name(), current, batchStart);
        return batches;
    }

    private static void add(List<ScriptBatch> batches, String scriptName, StringBuilder sql, int startLine) {
        String text = sql.toString();
        if (!isBlankOrComment(text)) {
            batches.add(new ScriptBatch(scriptName, batches.size() + 1, startLine, text.stripTrailing()));
        }
    }

    private static boolean isBlankOrComment(String sql) {
        LexState state = new LexState();
        for (String line : sql.split("\n")) {
            if (state.hasCode(line)) {
                return false;
            }
        }
        return true;
    }

    /** Tracks block comments and quoted text across lines. */
    private static final class LexState {
        private boolean inBlockComment;
        private char inQuote;

        boolean isCode() {
            return !inBlockComment && inQuote == 0;
        }

        void scan(String line) {
            hasCode(line);
        }

        /** Advances over the line; true if it holds anything but whitespace and comments. */
        boolean hasCode(String line) {
            boolean code = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
                if (inBlockComment) {
                    if (c == '*' && next == '/') {
                        inBlockComment = false;
                        i++;
                    }
                } else if (inQuote != 0) {
                    code = true;
                    if (c == inQuote) {
                        if (next == inQuote) {
                            i++;
                        } else {
                            inQuote = 0;
                        }
                    }
                } else if (c == '-' && next == '-') {
                    break;
                } else if (c == '/' && next == '*') {
                    inBlockComment = true;
                    i++;
                } else if (c == '\'' || c == '[' || c == '"') {
                    inQuote = c == '[' ? ']' : c;
                    code = true;
                } else if (!Character.isWhitespace(c)) {
                    code = true;
                }
            }
            return code;
        }
    }

}
