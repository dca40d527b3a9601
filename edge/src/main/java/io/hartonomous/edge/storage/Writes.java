package io.hartonomous.edge.storage;

import jakarta.inject.Qualifier;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The read-write storage engine. It is the default engine itself unless the tier asks for a read-intent default
 * pool ({@code hart.storage.read-intent}, the API) or a separate {@code hart.storage.write-url}.
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface Writes {
}
