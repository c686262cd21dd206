package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>One update is a dozen native operations whatever the number of parameters: the parameters are
 * made views of one flat buffer p (N = all their elements, in parameter order), and m, v and the
 * decay mask are flat too, so each line above is one operation over all N elements (the same
 * arithmetic per element as a per-parameter loop, so the same bits). Gradients are gathered into
 * one flat vector, which {@link GradientClipping#clipFlat} also uses.
 */
public final class AdamW {

    private static final int STATE_MAGIC = 0x41444D57; // "ADMW"

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<String> names = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private NDArray parameters;   // (N) the parameters' storage: each parameter is a view of its slice
    private NDArray m;            // (N)
    private NDArray v;            // (N)
    private NDArray decays;       // (N) 1 where the parameter decays, else 0
    private NDArray keeps;        // (N) 1 - decays
    private long step;

    public AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /**
     * Zeroed moments for every parameter, and the parameters moved into one flat buffer (their values
     * kept; each becomes a view of its slice, still requiring gradients). On the parameters' manager:
     * all of it lives as long as the model.
     */
    public void initialize(List<NamedParameter> parameters) {
        bind(parameters);
        NDManager owner = this.parameters.getManager();
        m = lasting(owner.zeros(this.parameters.getShape()), owner);
        v = lasting(owner.zeros(this.parameters.getShape()), owner);
    }

    private void bind(List<NamedParameter> list) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimize");
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // the buffer and its views must be leaves, not part of a graph
        try {
            names.clear();
            shapes.clear();
            NDManager owner = list.get(0).array().getManager();
            NDList flat = new NDList();
            NDList mask = new NDList();
            for (NamedParameter p : list) {
                names.add(p.name());
                shapes.add(p.array().getShape());
                flat.add(p.array().reshape(-1));
                Shape n = new Shape(p.array().size());
                mask.add(p.decays() ? owner.ones(n) : owner.zeros(n));
            }
            NDArray buffer = NDArrays.concat(flat);
            NDArray decayMask = NDArrays.concat(mask);
            NDArray negated = decayMask.neg();
            NDArray keepMask = negated.add(1f);
            negated.close();
            flat.close();
            mask.close();
            for (NDArray old : new NDArray[] {parameters, decays, keeps}) {
                if (old != null) {
                    old.close();
                }
            }
            parameters = lasting(buffer, owner);
            decays = lasting(decayMask, owner);
            keeps = lasting(keepMask, owner);
            long offset = 0;
            for (int i = 0; i < list.size(); i++) {
                NDArray part = parameters.get(new NDIndex().addSliceDim(offset, offset + shapes.get(i).size()));
                NDArray view = part.reshape(shapes.get(i));
                part.close();
                NDArray array = list.get(i).array();
                array.intern(view);            // the parameter's tensor is now the view; its old storage is freed
                array.setRequiresGradient(true);
                offset += shapes.get(i).size();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Kept on {@code owner} for the model's life, out of any NDScope that is open now. */
    private static NDArray lasting(NDArray array, NDManager owner) {
        array.attach(owner);
        NDScope.unregister(array);
        return array;
    }

    /** The gradients of {@code parameters} (in the order they were bound) as one flat (N) vector; a temporary. */
    public NDArray flatGradients(List<NamedParameter> parameters) {
        NDList grads = new NDList(parameters.size());
        for (NamedParameter p : parameters) {
            grads.add(p.array().getGradient().reshape(-1));
        }
        return NDArrays.concat(grads);
    }

    /**
     * One update. {@code grads.get(i)} is the gradient of {@code parameters.get(i)}. Temporaries are
     * created on the gradients' manager; callers run this inside an NDScope.
     */
    public void update(List<NamedParameter> parameters, List<NDArray> grads, double lr) {
        NDList flat = new NDList(grads.size());
        for (NDArray g : grads) {
            flat.add(g.reshape(-1));
        }
        update(parameters, NDArrays.concat(flat), lr);
    }

    /** One update from the flat gradient (N) of {@link #flatGradients}. */
    public void update(List<NamedParameter> parameters, NDArray g, double lr) {
        if (this.parameters == null) {
            throw new IllegalStateException("AdamW was neither initialized nor loaded");
        }
        if (parameters.size() != names.size() || g.size() != this.parameters.size()) {
            throw new IllegalArgumentException("AdamW holds " + names.size() + " parameters of " + this.parameters.size()
                    + " elements, was given " + parameters.size() + " and a gradient of " + g.size());
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // in-place updates of leaves that require gradients
        try {
            apply(g, lr);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void apply(NDArray g, double lr) {
        step++;
        // StrictMath, not Math: HotSpot's Math.pow intrinsic may differ from the interpreter by an ulp,
        // and a resumed (or repeated) run must compute exactly the same update
        double bias1 = 1 - StrictMath.pow(beta1, step);
        double bias2 = 1 - StrictMath.pow(beta2, step);
        float stepSize = (float) (lr / bias1);
        float sqrtBias2 = (float) Math.sqrt(bias2);
        NDArray p = this.parameters;
        if (weightDecay > 0) {
            // decays * (1 - lr wd) + keeps is exactly (1 - lr wd) or 1: the factor a per-parameter loop would use
            p.muli(decays.mul((float) (1 - lr * weightDecay)).addi(keeps));
        }
        m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
        NDArray denominator = v.sqrt().div(sqrtBias2).add((float) epsilon);
        p.subi(m.div(denominator).mul(stepSize));
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

    /** Per parameter, by name: its m and v (the format of the per-parameter optimizer, so old checkpoints load). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(STATE_MAGIC);
        out.writeLong(step);
        out.writeInt(names.size());
        long offset = 0;
        for (int i = 0; i < names.size(); i++) {
            out.writeUTF(names.get(i));
            for (NDArray moment : new NDArray[] {m, v}) {
                try (NDArray part = moment.get(new NDIndex().addSliceDim(offset, offset + shapes.get(i).size()));
                     NDArray shaped = part.reshape(shapes.get(i))) {
                    byte[] bytes = shaped.encode();
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
            offset += shapes.get(i).size();
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
        java.util.Map<String, NDArray[]> loaded = new java.util.HashMap<>();
        NDManager owner = parameters.get(0).array().getManager();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            NamedParameter p = parameters.stream().filter(q -> q.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IOException("optimizer state names unknown parameter " + name));
            NDArray[] mv = new NDArray[2];
            for (int k = 0; k < 2; k++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                mv[k] = NDArray.decode(owner, bytes);
                if (!mv[k].getShape().equals(p.array().getShape())) {
                    throw new IOException("optimizer state of " + name + " has shape " + mv[k].getShape()
                            + ", the parameter " + p.array().getShape());
                }
            }
            if (loaded.put(name, mv) != null) {
                throw new IOException("optimizer state names parameter " + name + " twice");
            }
        }
        bind(parameters);
        NDList ms = new NDList();
        NDList vs = new NDList();
        for (NamedParameter p : parameters) {
            NDArray[] mv = loaded.get(p.name());
            ms.add(mv[0].reshape(-1));
            vs.add(mv[1].reshape(-1));
        }
        NDArray newM = lasting(NDArrays.concat(ms), owner);
        NDArray newV = lasting(NDArrays.concat(vs), owner);
        ms.close();
        vs.close();
        loaded.values().forEach(mv -> {
            mv[0].close();
            mv[1].close();
        });
        if (m != null) {
            m.close();
            v.close();
        }
        m = newM;
        v = newV;
        step = savedStep;
    }
}
