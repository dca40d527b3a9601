package io.hartonomous.storage.engine.sqlserver;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java views of T-SQL text for the structural test: comments blanked, and optionally string literals blanked
 * too. Blanking keeps every character's offset (and line breaks), so positions found in one view hold in the others.
 * Bracketed identifiers ([//hartonomous/ooda/Cycle]) are identifiers, never blanked.
 */
final class TsqlText {
    private TsqlText() {
    }

    /** Comments replaced by spaces; string literals kept (dynamic SQL inside them stays visible). */
    static String code(String sql) {
        return scan(sql, false);
    }

    /** Comments and the contents of string literals replaced by spaces (the quotes stay). */
    static String identifiers(String sql) {
        return scan(sql, true);
    }

    private static String scan(String sql, boolean blankStrings) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        out.append("  ");
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        out.append("  ");
                        i += 2;
                    } else {
                        out.append(sql.charAt(i) == '\n' ? '\n' : ' ');
                        i++;
                    }
                } while (i < n && depth > 0);
            } else if (c == '\'') {
                out.append('\'');
                i++;
                while (i < n) {
                    char s = sql.charAt(i);
                    if (s == '\'' && i + 1 < n && sql.charAt(i + 1) == '\'') {
                        out.append(blankStrings ? "  " : "''");
                        i += 2;
                    } else if (s == '\'') {
                        out.append('\'');
                        i++;
                        break;
                    } else {
                        out.append(blankStrings && s != '\n' ? ' ' : s);
                        i++;
                    }
                }
            } else if (c == '[') {
                while (i < n) {
                    char s = sql.charAt(i);
                    out.append(s);
                    i++;
                    if (s == ']') {
                        if (i < n && sql.charAt(i) == ']') {
                            out.append(']');
                            i++;
                        } else {
                            break;
                        }
                    }
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The text inside the parentheses that open at {@code open} (exclusive), honouring nesting. */
    static String parenthesised(String text, int open) {
        if (text.charAt(open) != '(') {
            throw new IllegalArgumentException("no '(' at " + open);
        }
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return text.substring(open + 1, i);
                }
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses from " + open);
    }

    /** Splits on commas that are not inside parentheses. */
    static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        String last = text.substring(start).strip();
        if (!last.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    /** An identifier without brackets, lower-cased for comparison (T-SQL names compare case-insensitively here). */
    static String key(String identifier) {
        return identifier.replace("[", "").replace("]", "").strip().toLowerCase(java.util.Locale.ROOT);
    }
}
