package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ooda.OodaSettings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The OodaSettings table (embedded/100): the loop's switches, thresholds and emergency stop, as text. */
final class OodaSettingsTable {
    static final String RUNNING = "OodaRunning";
    private static final String DRY_RUN = "OodaDryRun";
    private static final String REQUIRE_APPROVAL = "OodaRequireApproval";
    private static final String MAX_CHANGES = "OodaMaxChangesPerCycle";
    private static final String RETENTION = "HistoryRetentionSeconds";

    /** Every setting as read at one moment. */
    record Values(Map<String, String> values) {
        boolean running() {
            return flag(RUNNING, true);
        }

        OodaSettings settings() {
            return new OodaSettings(flag(DRY_RUN, true), flag(REQUIRE_APPROVAL, true),
                    (int) number(MAX_CHANGES, OodaSettings.DEFAULTS.maxChangesPerCycle()),
                    Duration.ofSeconds((long) number(RETENTION, OodaSettings.DEFAULTS.historyRetention().toSeconds())));
        }

        boolean flag(String name, boolean otherwise) {
            String v = values.get(name);
            return v == null ? otherwise : "1".equals(v.strip());
        }

        /** A numeric threshold; a missing or unreadable one falls back (as sql/080's TRY_CAST ... COALESCE does). */
        double number(String name, double otherwise) {
            try {
                String v = values.get(name);
                return v == null ? otherwise : Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }
    }

    private OodaSettingsTable() {
    }

    static Values read(Connection c) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT SettingName, SettingValue FROM OodaSettings");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.put(rs.getString(1), rs.getString(2));
            }
        }
        return new Values(values);
    }

    static void write(Connection c, OodaSettings s) throws SQLException {
        put(c, DRY_RUN, s.dryRun() ? "1" : "0");
        put(c, REQUIRE_APPROVAL, s.requireApproval() ? "1" : "0");
        put(c, MAX_CHANGES, Integer.toString(s.maxChangesPerCycle()));
        put(c, RETENTION, Long.toString(s.historyRetention().toSeconds()));
    }

    static void put(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO OodaSettings (SettingName, SettingValue, UpdatedAt) "
                + "KEY (SettingName) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }
}
