package org.overfitguard.contracts.batch;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer of {@link TokenBatch} in the {@link TokenBatchCodec} format. */
public final class TokenBatchSerializer implements Serializer<TokenBatch> {
    @Override
    public byte[] serialize(String topic, TokenBatch batch) {
        return batch == null ? null : TokenBatchCodec.encode(batch);
    }
}
