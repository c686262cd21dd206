package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.RunSpecs;

/** Every run spec the docs tell a reader to submit (docs/specs/*.yaml) is one the API accepts. */
class DocumentedSpecsTest {

    @Test
    void everyDocumentedSpecIsValid() throws IOException {
        List<Path> specs;
        try (Stream<Path> files = Files.list(Path.of("..", "docs", "specs"))) {
            specs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(specs.isEmpty(), "docs/specs holds the documented specs (tests run in the contracts module directory)");
        for (Path spec : specs) {
            RunSpecs.Checked checked = RunSpecs.check(Files.readString(spec));
            assertEquals(List.of(), checked.errors(), spec + " is refused");
        }
    }
}
