package io.hartonomous.storage.engine.jdbc;

import java.sql.SQLException;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What an engine's SQL errors mean to a {@link UnitOfWork}: which are a lost race (the work was rolled back and may
 * run again), and the contract exception for any of them; {@code what} names the operation that failed.
 */
public record SqlFailures(Predicate<SQLException> isRace,
                          BiFunction<String, SQLException, RuntimeException> toContract) {
}
