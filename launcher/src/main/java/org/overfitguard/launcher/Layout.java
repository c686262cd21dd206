package org.overfitguard.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the built jars are, relative to the repository root, and whether they are all there. */
public record Layout(Path repo) {

    public static final List<String> SERVICES = List.of("data-service", "trainer-service", "evaluator-service", "monitor-service");

    public Path brokerJar() {
        return repo.resolve("kafka-embedded/target/kafka-embedded.jar");
    }

    public Path serviceJar(String service) {
        return repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * The shim that lets MKL choose its kernels by the CPU's features, not its vendor (lm/src/main/c;
     * lm's MklDispatch.SHIM): preloaded into the services, 2.2 x the fp32 matrix products on an AMD CPU.
     */
    public Path mklDispatchShim() {
        return repo.resolve("lm/target/native/libmkl-feature-dispatch.so");
    }

    /** Fails with the command that builds them when a jar is missing. */
    public void requireBuilt() throws IOException {
        for (Path jar : List.of(brokerJar(), serviceJar("data-service"), serviceJar("trainer-service"),
                serviceJar("evaluator-service"), serviceJar("monitor-service"))) {
            if (!Files.isRegularFile(jar)) {
                throw new IOException(jar + " is missing; build with: mvn -DskipTests install");
            }
        }
    }

    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
