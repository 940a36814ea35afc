package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.pipeline.StepInstance;

/** What a step, or one instance of it, amounts to in the current state of a run. */
sealed interface Resolution {

    /** Never started. */
    record NotStarted() implements Resolution {
    }

    /** Started (or being prepared) and not settled. */
    record InProgress() implements Resolution {
    }

    /** Settled with an output: completed, failed with continue (null), or replaced by a fallback that completed. */
    record Done(JsonNode output) implements Resolution {
    }

    /** Skipped. */
    record Skipped() implements Resolution {
    }

    /** Failed with {@code onFailure: fail}: the run fails. */
    record Failed(StepInstance at, String error) implements Resolution {
    }

    Resolution NOT_STARTED = new NotStarted();
    Resolution IN_PROGRESS = new InProgress();
    Resolution SKIPPED = new Skipped();
}
