package io.bulwark.test.pipeline;

import io.bulwark.core.time.SettableClock;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.bulwark.pipeline.store.PipelineStore;

/** The in-memory pipeline store keeps every pipeline-store rule (run here: bulwark-pipeline cannot depend on bulwark-test). */
class InMemoryPipelineStoreTest extends PipelineStoreContract {

    @Override
    protected PipelineStore open(SettableClock clock) {
        return new InMemoryPipelineStore(clock);
    }
}
