package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * Bodies written by someone careless or hostile: each is refused with field errors (never an
 * exception of another kind), and the errors name the field at fault.
 */
class HostileSpecTest {

    private static List<FieldError> errors(String body) {
        return RunSpecs.check(body).errors();
    }

    private static void refused(String body, String field) {
        List<FieldError> errors = errors(body);
        String shown = body.length() > 60 ? body.substring(0, 60) + "..." : body;
        assertFalse(errors.isEmpty(), "accepted: " + shown);
        assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)),
                () -> "expected an error on " + field + " for " + shown + ", got "
                        + errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
    }

    @Test
    void aThousandDigitNumberIsAFieldError() {
        refused("{\"seed\":" + "9".repeat(1001) + "}", "(spec)");
        refused("seed: " + "9".repeat(1001), "(spec)");
    }

    @Test
    void deepNestingIsRefusedWithoutBlowingTheStack() {
        refused("[".repeat(1001) + "]".repeat(1001), "(spec)");
        refused("{\"data\":" + "[".repeat(5000) + "]".repeat(5000) + "}", "(spec)");
        refused("a:\n" + " [".repeat(2000), "(spec)");
    }

    @Test
    void aNulOrControlCharacterInAPathIsAFieldError() {
        refused("{\"data\":{\"source\":\"file\",\"path\":\"a\\u0000b\"}}", "data.path");
        refused("{\"data\":{\"source\":\"file\",\"path\":\"a\\nb\"}}", "data.path");
        refused("{\"name\":\"x\\u0000\"}", "name");
    }

    @Test
    void duplicateKeysAreRefused() {
        refused("{\"seed\":1,\"seed\":2}", "(spec)");
        refused("seed: 1\nseed: 2\n", "(spec)");
        refused("{\"model\":{\"layers\":1,\"layers\":2}}", "(spec)");
    }

    @Test
    void trailingGarbageIsRefused() {
        refused("{\"seed\":1} junk", "(spec)");
        refused("{\"seed\":1}{\"seed\":2}", "(spec)");
        refused("seed: 1\n---\nseed: 2\n", "(spec)");
    }

    @Test
    void hugeStringsAndAliasesStayBounded() {
        refused("{\"name\":\"" + "x".repeat(2_000_000) + "\"}", "(spec)");
        String laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
        assertFalse(errors(laughs).isEmpty());
    }

    @Test
    void wrongShapesAreFieldErrors() {
        refused("{\"model\":[1,2]}", "model");
        refused("[1,2]", "(spec)");
        refused("\"just a string\"", "(spec)");
        refused("42", "(spec)");
        refused("{\"model\":{\"layers\":1e400}}", "model.layers");
        refused("{\"optimizer\":{\"learning_rate\":1e400}}", "optimizer.learning_rate");
        refused("{\"seed\":true}", "seed");
    }
}
