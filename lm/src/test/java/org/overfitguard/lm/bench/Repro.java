package org.overfitguard.lm.bench;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;

public class Repro {
    static List<Double> train(String yaml) {
        RunSpec spec = RunSpecs.parse(yaml);
        List<Double> losses = new ArrayList<>();
        Random r = new Random(1);
        try (TrainingSession s = TrainingSession.fresh(GptModel.create(GptConfig.of(spec, 60), Device.cpu(), 7), spec)) {
            for (int k = 0; k < Integer.getInteger("steps", 30); k++) {
                int[] in = r.ints(16 * 32, 0, 60).toArray();
                losses.add(s.train(new TokenBatch("x", k, false, 16, 32, in, in)).loss());
            }
        }
        return losses;
    }
    public static void main(String[] args) throws Exception {
        String plain = "model: {layers: 2, heads: 4, width: 64, block_size: 32}\ntraining: {batch_size: 16}\noptimizer: {learning_rate: 0.003}";
        String reg = plain + "\nregularization: {dropout: {embedding: 0.1, attention: 0.1, residual: 0.1}, label_smoothing: 0.1, weight_tying: true, weight_decay: 0.1}";
        if (Boolean.getBoolean("warmup")) {
            Thread w = new Thread(() -> train(plain.replace("width: 64", "width: 32")));
            w.start(); w.join();
        }
        List<List<Double>> out = new ArrayList<>();
        for (String y : new String[] {plain, plain, plain}) {
            List<Double>[] holder = new List[1];
            Thread t = new Thread(() -> holder[0] = train(y));
            t.start(); t.join();
            out.add(holder[0]);
            System.out.println("first " + holder[0].get(0) + " tenth " + holder[0].get(9));
        }
        for (int i = 1; i < out.size(); i++) {
            int first = -1;
            for (int k = 0; k < out.get(0).size(); k++) if (!out.get(0).get(k).equals(out.get(i).get(k))) { first = k; break; }
            System.out.println("run " + i + " first differs at step " + first);
        }
    }
}
