package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.contracts.spec.TokenizerSpec;

class RunSpecsTest {

    @Test
    void anEmptySpecIsTheValidDefaultRun() {
        assertEquals(RunSpec.defaults(), RunSpecs.parse(""));
        assertEquals(RunSpec.defaults(), RunSpecs.parse("{}"));
        assertEquals(RunSpec.defaults(), RunSpecs.parse("# nothing but a comment\n"));
    }

    @Test
    void yamlAndJsonOverrideOnlyWhatTheyName() {
        RunSpec yaml = RunSpecs.parse("""
                name: tiny
                model:
                  layers: 4
                  norm: post
                regularization:
                  dropout: {attention: 0.1}
                  weight_tying: true
                early_stopping:
                  monitor: accuracy
                  min_delta: 0.01
                  baseline: 0.3
                """);
        assertEquals("tiny", yaml.name());
        assertEquals(ModelSpec.of(4, 4, 128, 64).withNorm(ModelSpec.NormPlacement.POST, ModelSpec.NormKind.LAYERNORM), yaml.model());
        assertEquals(0.1, yaml.regularization().dropout().attention());
        assertEquals(0.0, yaml.regularization().dropout().embedding());
        assertTrue(yaml.regularization().weightTying());
        assertEquals(EarlyStoppingSpec.Mode.MAX, yaml.earlyStopping().effectiveMode());
        assertEquals(0.3, yaml.earlyStopping().baseline());
        assertEquals(DataSpec.defaults(), yaml.data());

        RunSpec json = RunSpecs.parse("{\"tokenizer\":{\"kind\":\"GPT2\"},\"training\":{\"max_steps\":10,\"checkpoint_every\":5}}");
        assertEquals(TokenizerSpec.Kind.GPT2, json.tokenizer().kind());
        assertEquals(10, json.training().maxSteps());
        assertEquals(5, json.training().checkpointEvery());
    }

    @Test
    void aSpecSurvivesJsonAndYamlRoundTrips() {
        RunSpec spec = RunSpecs.parse("{\"seed\": 7, \"early_stopping\": {\"stopping_threshold\": 1.2}}");
        assertEquals(spec, RunSpecs.parse(RunSpecs.toJson(spec)));
        assertEquals(spec, RunSpecs.parse(RunSpecs.toYaml(spec)));
    }

    @Test
    void everyBadFieldIsReportedAtOnceWithNameValueAndAllowedRange() {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("""
                {
                  "model": {"layers": 0, "heads": 3, "width": 128, "norm": "middle"},
                  "regularization": {"dropout": {"attention": 1.2}, "label_smoothing": -0.1},
                  "training": {"batch_size": "big", "max_steps": 1.5},
                  "early_stopping": {"patience": 0, "monitor": "accuracy", "mode": "min"},
                  "colour": "blue"
                }
                """));
        Map<String, String> byField = e.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message));
        assertEquals("model.layers must be in [1, 48], was 0", byField.get("model.layers"));
        assertEquals("model.heads must be a divisor of model.width (128), was 3", byField.get("model.heads"));
        assertEquals("model.norm must be one of pre, post, none, was 'middle'", byField.get("model.norm"));
        assertEquals("regularization.dropout.attention must be in [0, 1), was 1.2", byField.get("regularization.dropout.attention"));
        assertEquals("regularization.label_smoothing must be in [0, 1), was -0.1", byField.get("regularization.label_smoothing"));
        assertEquals("training.batch_size must be an integer, was 'big'", byField.get("training.batch_size"));
        assertEquals("training.max_steps must be an integer, was 1.5", byField.get("training.max_steps"));
        assertEquals("early_stopping.patience must be in [1, 1000], was 0", byField.get("early_stopping.patience"));
        assertEquals("early_stopping.mode must be max or auto when monitoring accuracy (higher is better), was 'min'",
                byField.get("early_stopping.mode"));
        assertTrue(byField.get("colour").startsWith("colour must be absent (unknown field; known fields here: augmentation, data,"),
                byField.get("colour"));
        assertEquals(10, e.errors().size(), e.getMessage());
    }

    @Test
    void filePathsMustStayRelative() {
        List<String> fields = assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse(
                "{\"data\": {\"source\": \"file\", \"path\": \"../etc/passwd\"}}")).errors().stream().map(FieldError::field).toList();
        assertEquals(List.of("data.path"), fields);
        assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("{\"data\": {\"source\": \"directory\"}}"));
        assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("{\"data\": {\"source\": \"file\", \"path\": \"/abs\"}}"));
        assertEquals("books/a.txt", RunSpecs.parse("{\"data\": {\"source\": \"file\", \"path\": \"books/a.txt\"}}").data().path());
    }

    @Test
    void unparseableTextIsOneClearError() {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("{\"model\": "));
        assertEquals(1, e.errors().size());
        assertTrue(e.getMessage().contains("JSON or YAML"), e.getMessage());
        assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("- just\n- a list\n"));
    }

    @Test
    void nullableFieldsAcceptNullAndPrimitivesDoNot() {
        assertEquals(null, RunSpecs.parse("{\"early_stopping\": {\"baseline\": null}}").earlyStopping().baseline());
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> RunSpecs.parse("{\"seed\": null}"));
        assertEquals("seed must be an integer, was null", e.errors().get(0).message());
    }
}
