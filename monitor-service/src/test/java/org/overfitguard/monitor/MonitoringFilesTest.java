package org.overfitguard.monitor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.overfitguard.monitor.SampleRun.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;

/**
 * The Grafana dashboard and the alert rules under k8s/monitoring read only metrics that
 * monitor-service really exports, and the dashboard's ConfigMap carries the dashboard file as it is.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class MonitoringFilesTest {

    static final Path MONITORING = Path.of("..", "k8s", "monitoring");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void everyMetricOfTheDashboardAndTheRulesIsExported() throws IOException {
        Set<String> used = new TreeSet<>();
        expressions(dashboard()).forEach(e -> used.addAll(PromQl.metricNames(e)));
        ruleExpressions().forEach(e -> used.addAll(PromQl.metricNames(e)));
        assertTrue(used.containsAll(Set.of("overfit_train_loss", "overfit_heldout_loss", "overfit_gap", "overfit_run_state",
                "overfit_consumer_lag", "overfit_dead_letters_total", "overfit_step")), "names found: " + used);

        // a running run with every kind of event, and a dead letter
        SampleRun run = new SampleRun("names");
        publish(bootstrap, run.requested(null, null), run.started(), run.dataset(), run.step(10), run.step(20),
                run.evaluation(20, 2.9, 20, 2.9, 3), run.stop(20, 20, 2.9));
        TopicIO.send(bootstrap, Topics.EVALUATIONS, run.runId, "not json".getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            Set<String> exported = PrometheusText.sampleNames(MonitorServiceTest.metricsText());
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "metrics read by k8s/monitoring but not exported by monitor-service");
        });
    }

    @Test
    void theConfigMapCarriesTheDashboardFileVerbatim() throws IOException {
        JsonNode configMap = Json.yaml().readTree(Files.readString(MONITORING.resolve("grafana-dashboard-configmap.yaml")));
        assertEquals("ConfigMap", configMap.path("kind").asText());
        assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText(),
                "the Grafana sidecar loads ConfigMaps labelled grafana_dashboard: \"1\"");
        JsonNode embedded = Json.mapper().readTree(configMap.path("data").path("overfit-guard.json").asText());
        assertEquals(dashboard(), embedded, "grafana-dashboard-configmap.yaml must embed grafana-dashboard.json as it is: "
                + "paste the .json file into data.overfit-guard.json, indented by four spaces");
    }

    @Test
    void theDashboardHasADatasourceAndARunVariable() throws IOException {
        JsonNode dashboard = dashboard();
        Map<String, String> variables = new java.util.HashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v.path("type").asText()));
        assertEquals(Map.of("datasource", "datasource", "run", "query"), variables);
        List<String> panelsWithoutVariable = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if (!p.path("type").asText().equals("row") && !p.path("datasource").path("uid").asText().equals("${datasource}")) {
                panelsWithoutVariable.add(p.path("title").asText());
            }
        });
        assertEquals(List.of(), panelsWithoutVariable, "panels that do not use the datasource variable");
        assertTrue(expressions(dashboard).stream().filter(e -> e.contains("overfit_heldout_loss")).allMatch(e -> e.contains("run=~\"$run\"")),
                "loss panels follow the run variable");
    }

    static JsonNode dashboard() throws IOException {
        return Json.mapper().readTree(Files.readString(MONITORING.resolve("grafana-dashboard.json")));
    }

    /** Every PromQL expression of the dashboard: panel targets and variable queries. */
    private static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(v -> {
            if (v.path("type").asText().equals("query")) {
                exprs.add(v.path("query").path("query").asText());
            }
        });
        return exprs;
    }

    private static List<String> ruleExpressions() throws IOException {
        JsonNode rule = Json.yaml().readTree(Files.readString(MONITORING.resolve("prometheus-rules.yaml")));
        List<String> exprs = new ArrayList<>();
        rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
        assertTrue(exprs.size() >= 4, "alert rules found: " + exprs);
        return exprs;
    }
}
