package org.overfitguard.lm.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's grad mode is per thread and on by default in every thread but the one that loaded the
 * engine. Forward passes outside a GradientCollector (evaluation, sampling) and in-place parameter
 * updates must run with it off: otherwise they record graphs (memory) or fail on leaf tensors.
 */
public final class GradMode {

    private GradMode() {
    }

    /** Turns grad mode off on the calling thread; a GradientCollector turns it on only while open. */
    public static void offOnThisThread() {
        JniUtils.setGradMode(false);
    }
}
