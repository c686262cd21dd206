package org.overfitguard.contracts.batch;

import org.apache.kafka.common.serialization.Deserializer;

/** Kafka deserializer of {@link TokenBatch}; corrupt bytes throw {@link CorruptBatchException}. */
public final class TokenBatchDeserializer implements Deserializer<TokenBatch> {
    @Override
    public TokenBatch deserialize(String topic, byte[] bytes) {
        return bytes == null ? null : TokenBatchCodec.decode(bytes);
    }
}
