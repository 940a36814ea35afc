package io.bulwark.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRequestTest {

    @Test
    void aJobHasAtMost32TagsOfAtMost64Characters() {
        JobRequest.Builder b = JobRequest.builder("q", "t");
        IntStream.range(0, JobLimits.MAX_TAGS).forEach(i -> b.tag("t" + i));
        b.tag("t0"); // the same tag again is not one more
        assertThatThrownBy(() -> b.tag("one-more")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a job has at most 32 tags; 'one-more' would be one more");
        assertThat(b.build().tags()).hasSize(32);

        Set<String> many = IntStream.range(0, 33).mapToObj(i -> "t" + i).collect(Collectors.toSet());
        assertThatThrownBy(() -> new JobRequest("q", "t", null, null, null, null, null, null, null, null, many, null,
                (Duration) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a job has at most 32 tags but was given 33");
        assertThatThrownBy(() -> JobRequest.builder("q", "t").tag("x".repeat(65))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a tag must be 1 to 64 characters");
    }
}
