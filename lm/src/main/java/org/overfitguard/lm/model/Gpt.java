package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only GPT. Dimensions: B batch, T time (&lt;= block size), C channels, V vocabulary.
 * <pre>
 * ids (B, T) -> wte[ids] + wpe[0..T) -> dropout -> N x TransformerBlock -> norm (unless none) -> logits (B, T, V)
 * </pre>
 * With weight tying the output projection is the token embedding itself: one parameter used twice
 * (autograd sums both gradients), V x C fewer parameters. Weights start N(0, 0.02), biases 0.
 */
public final class Gpt extends AbstractBlock {

    private static final byte VERSION = 1;

    private final GptConfig config;
    private final Parameter tokenEmbedding;    // (V, C)
    private final Parameter positionEmbedding; // (T, C)
    private final Dropout embeddingDropout;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Block finalNorm;             // null without normalization
    private final Linear head;                 // (V, C) weight, no bias; null when tied

    public Gpt(GptConfig config) {
        super(VERSION);
        this.config = config;
        tokenEmbedding = addParameter(Parameter.builder().setName("wte").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.width())).build());
        positionEmbedding = addParameter(Parameter.builder().setName("wpe").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.blockSize(), config.width())).build());
        embeddingDropout = addChildBlock("embDrop", Dropout.builder().optRate(config.embeddingDropout()).build());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(addChildBlock("h" + i, new TransformerBlock(config)));
        }
        Block norm = TransformerBlock.channelNorm(config.model());
        finalNorm = norm == null ? null : addChildBlock("lnF", norm);
        head = config.weightTying() ? null
                : addChildBlock("head", Linear.builder().setUnits(config.vocabSize()).optBias(false).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    public GptConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();                                  // (B, T) int64
        long t = ids.getShape().get(1);
        if (t > config.blockSize()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds block size " + config.blockSize());
        }
        NDArray wte = ps.getValue(tokenEmbedding, ids.getDevice(), training);      // (V, C)
        NDArray wpe = ps.getValue(positionEmbedding, ids.getDevice(), training);   // (Tmax, C)
        NDArray x = Embedding.embedding(ids, wte, SparseFormat.DENSE).singletonOrThrow(); // (B, T, C)
        x = x.add(wpe.get("0:{}", t));                                             // (B, T, C)
        NDList h = new NDList(x);
        if (config.embeddingDropout() > 0) {
            h = embeddingDropout.forward(ps, h, training);
        }
        for (TransformerBlock block : blocks) {
            h = block.forward(ps, h, training);                                    // (B, T, C)
        }
        if (finalNorm != null) {
            h = finalNorm.forward(ps, h, training);                                // (B, T, C)
        }
        return head == null ? Linear.linear(h.singletonOrThrow(), wte)             // (B, T, V)
                : head.forward(ps, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape bT = inputShapes[0];
        return new Shape[] {new Shape(bT.get(0), bT.get(1), config.vocabSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape bTC = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.width());
        embeddingDropout.initialize(manager, dataType, bTC);
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, bTC);
        }
        if (finalNorm != null) {
            finalNorm.initialize(manager, dataType, bTC);
        }
        if (head != null) {
            head.initialize(manager, dataType, bTC);
        }
    }
}
