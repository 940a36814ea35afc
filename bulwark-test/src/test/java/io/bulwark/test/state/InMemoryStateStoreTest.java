package io.bulwark.test.state;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;

class InMemoryStateStoreTest extends StateStoreContract {

    @Override
    protected StateStore open(SettableClock clock) {
        return StateStore.inMemory(clock);
    }
}
