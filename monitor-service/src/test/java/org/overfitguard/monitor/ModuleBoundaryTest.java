package org.overfitguard.monitor;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** monitor-service reads events and serves pages: it must not drag in DJL and its native engine. */
class ModuleBoundaryTest {

    @Test
    void djlIsNotOnTheClasspath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.Model"),
                "monitor-service must not depend on DJL (directly or through lm)");
    }
}
