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
 * made views of one flat buffer p (N = all their elements, the decaying parameters first, so decay
 * is one in-place multiply of the buffer's start), m and v are flat too, so each line above is one
 * operation over all N elements (the same arithmetic per element as a per-parameter loop, so the
 * same bits). Gradients are gathered into one flat vector, which {@link GradientClipping#clipFlat}
 * also uses. Invariant: nothing may replace a bound parameter's storage (DJL's {@code set(Buffer)}
 * does): it would stop being a view, and the optimizer's updates would no longer reach it.
 */
public final class AdamW {

    private static final int STATE_MAGIC = 0x41444D57; // "ADMW"

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<String> names = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private int[] order;          // buffer position k holds parameters.get(order[k]): the decaying ones first
    private long decayElements;   // the decaying parameters' elements, at the start of the buffer
    private NDArray parameters;   // (N) the parameters' storage: each parameter is a view of its slice
    private NDArray decaying;     // (decayElements) view of the buffer's start, or null
    private NDArray m;            // (N)
    private NDArray v;            // (N)
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
            // the decaying parameters first: decay is then one operation on one view, with no mask
            List<Integer> decayingFirst = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).decays()) {
                    decayingFirst.add(i);
                }
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).decays()) {
                    decayingFirst.add(i);
                }
            }
            order = decayingFirst.stream().mapToInt(Integer::intValue).toArray();
            names.clear();
            shapes.clear();
            NDManager owner = list.get(0).array().getManager();
            NDList flat = new NDList();
            decayElements = 0;
            for (int i : order) {
                NamedParameter p = list.get(i);
                names.add(p.name());
                shapes.add(p.array().getShape());
                flat.add(p.array().reshape(-1));
                decayElements += p.decays() ? p.array().size() : 0;
            }
            NDArray buffer = NDArrays.concat(flat);
            flat.close();
            for (NDArray old : new NDArray[] {parameters, decaying}) {
                if (old != null) {
                    old.close();
                }
            }
            parameters = lasting(buffer, owner);
            decaying = decayElements == 0 ? null : lasting(parameters.get(new NDIndex().addSliceDim(0, decayElements)), owner);
            long offset = 0;
            for (int k = 0; k < order.length; k++) {
                NDArray part = parameters.get(new NDIndex().addSliceDim(offset, offset + shapes.get(k).size()));
                NDArray view = part.reshape(shapes.get(k));
                part.close();
                NDArray array = list.get(order[k]).array();
                array.intern(view);            // the parameter's tensor is now the view; its old storage is freed
                array.setRequiresGradient(true);
                offset += shapes.get(k).size();
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

    /** The gradients of {@code parameters} (the list that was bound) as one flat (N) vector in the buffer's order; a temporary. */
    public NDArray flatGradients(List<NamedParameter> parameters) {
        checkSame(parameters);
        NDList grads = new NDList(order.length);
        for (int i : order) {
            grads.add(parameters.get(i).array().getGradient().reshape(-1));
        }
        return NDArrays.concat(grads);
    }

    /**
     * One update. {@code grads.get(i)} is the gradient of {@code parameters.get(i)}. Callers run this
     * inside an NDScope: the flat gradient made here lives until it closes.
     */
    public void update(List<NamedParameter> parameters, List<NDArray> grads, double lr) {
        checkSame(parameters);
        NDList flat = new NDList(grads.size());
        for (int i : order) {
            flat.add(grads.get(i).reshape(-1));
        }
        update(parameters, NDArrays.concat(flat), lr);
    }

    /** One update from the flat gradient (N) of {@link #flatGradients}. */
    public void update(List<NamedParameter> parameters, NDArray g, double lr) {
        if (this.parameters == null) {
            throw new IllegalStateException("AdamW was neither initialized nor loaded");
        }
        checkSame(parameters);
        if (g.size() != this.parameters.size()) {
            throw new IllegalArgumentException("AdamW holds " + this.parameters.size() + " elements, was given a gradient of " + g.size());
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // in-place updates of leaves that require gradients
        try {
            apply(g, lr);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The list must be the one bound: the same parameters, by name, in the same order. */
    private void checkSame(List<NamedParameter> parameters) {
        if (this.parameters == null) {
            throw new IllegalStateException("AdamW was neither initialized nor loaded");
        }
        boolean same = parameters.size() == order.length;
        for (int k = 0; same && k < order.length; k++) {
            same = parameters.get(order[k]).name().equals(names.get(k));
        }
        if (!same) {
            throw new IllegalArgumentException("AdamW holds the parameters " + names + " (decaying first), was given "
                    + parameters.stream().map(NamedParameter::name).toList());
        }
    }

    /** The update; each temporary is closed as soon as it is used, so at most two (N) ones live at once. */
    private void apply(NDArray g, double lr) {
        step++;
        // StrictMath, not Math: HotSpot's Math.pow intrinsic may differ from the interpreter by an ulp,
        // and a resumed (or repeated) run must compute exactly the same update
        double bias1 = 1 - StrictMath.pow(beta1, step);
        double bias2 = 1 - StrictMath.pow(beta2, step);
        float stepSize = (float) (lr / bias1);
        float sqrtBias2 = (float) Math.sqrt(bias2);
        NDArray p = this.parameters;
        if (weightDecay > 0 && decaying != null) {
            decaying.muli((float) (1 - lr * weightDecay));   // the decaying parameters' slice, in place
        }
        try (NDArray scaled = g.mul((float) (1 - beta1))) {
            m.muli((float) beta1).addi(scaled);
        }
        try (NDArray squared = g.square()) {
            v.muli((float) beta2).addi(squared.muli((float) (1 - beta2)));
        }
        try (NDArray denominator = v.sqrt()) {
            denominator.divi(sqrtBias2).addi((float) epsilon);
            try (NDArray update = m.div(denominator)) {
                p.subi(update.muli(stepSize));
            }
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

    /** Per parameter, by name: its m and v (the format of the per-parameter optimizer, so old checkpoints load). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(STATE_MAGIC);
        out.writeLong(step);
        out.writeInt(names.size());
        long[] offsets = new long[order.length]; // of each parameter, by its index in the bound list
        long offset = 0;
        for (int k = 0; k < order.length; k++) {
            offsets[order[k]] = offset;
            offset += shapes.get(k).size();
        }
        int[] position = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            position[order[k]] = k;
        }
        for (int i = 0; i < order.length; i++) { // in the model's parameter order, as the per-parameter optimizer wrote it
            Shape shape = shapes.get(position[i]);
            out.writeUTF(names.get(position[i]));
            for (NDArray moment : new NDArray[] {m, v}) {
                try (NDArray part = moment.get(new NDIndex().addSliceDim(offsets[i], offsets[i] + shape.size()));
                     NDArray shaped = part.reshape(shape)) {
                    byte[] bytes = shaped.encode();
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
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
        for (int i : order) { // the buffer's order
            NDArray[] mv = loaded.get(parameters.get(i).name());
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
