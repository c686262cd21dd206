package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.lm.model.GptModel.NamedParameter;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay and two parameter groups, as in PyTorch:
 * <pre>
 * t += 1
 * p  *= 1 - lr * wd                 (decay group only: matrices of rank >= 2)
 * m   = b1 m + (1 - b1) g
 * v   = b2 v + (1 - b2) g^2
 * p  -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Biases and LayerNorm gains never decay. The state (t, m, v per parameter) can be saved and
 * restored, so a resumed run continues with exactly the moments it had. DJL's own AdamW has neither
 * parameter groups nor saveable state.
 */
public final class AdamW {

    private static final int STATE_MAGIC = 0x41444D57; // "ADMW"

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>(); // name -> {m, v}
    private long step;

    public AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** Zeroed moments for every parameter, on the parameters' own manager (they live as long as the model). */
    public void initialize(List<NamedParameter> parameters) {
        for (NamedParameter p : parameters) {
            NDManager owner = p.array().getManager();
            moments.put(p.name(), new NDArray[] {owner.zeros(p.array().getShape()), owner.zeros(p.array().getShape())});
        }
    }

    /**
     * One update. {@code grads.get(i)} is the gradient of {@code parameters.get(i)}. Temporaries are
     * created on the gradients' manager; callers run this inside an NDScope.
     */
    public void update(List<NamedParameter> parameters, List<NDArray> grads, double lr) {
        step++;
        // StrictMath, not Math: HotSpot's Math.pow intrinsic may differ from the interpreter by an ulp,
        // and a resumed (or repeated) run must compute exactly the same update
        double bias1 = 1 - StrictMath.pow(beta1, step);
        double bias2 = 1 - StrictMath.pow(beta2, step);
        float stepSize = (float) (lr / bias1);
        float sqrtBias2 = (float) Math.sqrt(bias2);
        for (int i = 0; i < parameters.size(); i++) {
            NamedParameter p = parameters.get(i);
            NDArray g = grads.get(i);
            NDArray[] mv = moments.get(p.name());
            if (mv == null) {
                throw new IllegalStateException("no optimizer state for parameter " + p.name());
            }
            NDArray weights = p.array();
            if (weightDecay > 0 && p.decays()) {
                weights.muli((float) (1 - lr * weightDecay));
            }
            mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            mv[1].muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
            NDArray denominator = mv[1].sqrt().div(sqrtBias2).add((float) epsilon);
            weights.subi(mv[0].div(denominator).mul(stepSize));
        }
    }

    public long step() {
        return step;
    }

    /** The decoupled decay coefficient the spec asks of the optimizer: λ in decoupled mode, 0 in l2 mode (the loss carries it). */
    public static double decoupledDecay(RegularizationSpec r) {
        return r.weightDecayMode() == RegularizationSpec.WeightDecayMode.DECOUPLED ? r.weightDecay() : 0;
    }

    public int decayCount(List<NamedParameter> parameters) {
        return (int) parameters.stream().filter(NamedParameter::decays).count();
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeInt(STATE_MAGIC);
        out.writeLong(step);
        out.writeInt(moments.size());
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            out.writeUTF(e.getKey());
            for (NDArray moment : e.getValue()) {
                byte[] bytes = moment.encode();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    /** Replaces the state with one saved by {@link #save}; names and shapes must match the model's. */
    public void load(DataInputStream in, List<NamedParameter> parameters) throws IOException {
        if (in.readInt() != STATE_MAGIC) {
            throw new IOException("not an AdamW state");
        }
        long savedStep = in.readLong();
        int count = in.readInt();
        if (count != parameters.size()) {
            throw new IOException("optimizer state has " + count + " parameters, the model " + parameters.size());
        }
        Map<String, NDArray[]> loaded = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            NamedParameter p = parameters.stream().filter(q -> q.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IOException("optimizer state names unknown parameter " + name));
            NDArray[] mv = new NDArray[2];
            for (int k = 0; k < 2; k++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                mv[k] = NDArray.decode(p.array().getManager(), bytes);
                if (!mv[k].getShape().equals(p.array().getShape())) {
                    throw new IOException("optimizer state of " + name + " has shape " + mv[k].getShape()
                            + ", the parameter " + p.array().getShape());
                }
            }
            loaded.put(name, mv);
        }
        moments.values().forEach(mv -> {
            mv[0].close();
            mv[1].close();
        });
        moments.clear();
        moments.putAll(loaded);
        step = savedStep;
    }
}
