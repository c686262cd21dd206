package org.overfitguard.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PrometheusRule passes Prometheus' own checks (promtool, from Debian's prometheus package), and
 * its unit test (k8s/monitoring/tests) shows OverfittingDetected firing when held-out loss rises while
 * training loss falls, and staying silent for a healthy and a diverging run.
 */
class PrometheusRulesTest {

    private static final String RULES_FILE = "overfit-rules.yaml";
    private static final String UNIT_TEST = "overfitting-alert-test.yaml";
    private static final ObjectMapper YAML = new YAMLMapper();

    @TempDir
    static Path dir;

    private static String promtool;

    @BeforeAll
    static void extractRuleGroups() throws IOException {
        promtool = onPath("promtool");
        assertTrue(promtool != null, "promtool is missing: run scripts/install-test-tools.sh (installs Debian's prometheus package)");
        JsonNode rule = YAML.readTree(Files.readString(MonitoringFilesTest.MONITORING.resolve("prometheus-rules.yaml")));
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals("PrometheusRule", rule.path("kind").asText());
        ObjectNode groups = YAML.createObjectNode();
        groups.set("groups", rule.path("spec").path("groups"));
        Files.writeString(dir.resolve(RULES_FILE), YAML.writeValueAsString(groups));
        Files.copy(MonitoringFilesTest.MONITORING.resolve("tests").resolve(UNIT_TEST), dir.resolve(UNIT_TEST));
    }

    @Test
    void theRulesPassPromtoolCheck() throws Exception {
        Result check = promtool("check", "rules", RULES_FILE);
        assertEquals(0, check.exit, check.output);
        assertTrue(check.output.contains("SUCCESS"), check.output);
    }

    @Test
    void theOverfittingAlertFiresWhenItShouldAndOnlyThen() throws Exception {
        Result test = promtool("test", "rules", UNIT_TEST);
        assertEquals(0, test.exit, test.output);

        // the same test expecting silence where the alert is due must fail: the alert really fires
        JsonNode tests = YAML.readTree(Files.readString(dir.resolve(UNIT_TEST)));
        int emptied = 0;
        for (JsonNode t : tests.path("tests")) {
            for (JsonNode expectation : t.path("alert_rule_test")) {
                if (expectation.path("alertname").asText().equals("OverfittingDetected") && !expectation.path("exp_alerts").isEmpty()) {
                    ((ObjectNode) expectation).set("exp_alerts", YAML.createArrayNode());
                    emptied++;
                }
            }
        }
        assertTrue(emptied > 0, "the unit test expects OverfittingDetected to fire somewhere");
        Files.writeString(dir.resolve("expects-silence.yaml"), YAML.writeValueAsString(tests));
        Result silent = promtool("test", "rules", "expects-silence.yaml");
        assertNotEquals(0, silent.exit, silent.output);
        assertTrue(silent.output.contains("OverfittingDetected"), silent.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + output);
    }

    private static String onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(d, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
