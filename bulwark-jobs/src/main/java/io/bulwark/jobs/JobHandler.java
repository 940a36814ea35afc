package io.bulwark.jobs;

/**
 * Runs one kind of job. Registered by name with its payload type, which Jackson binds from the
 * job's JSON payload. The return value (serialised to JSON) becomes the job's result.
 *
 * <p>To fail, throw: any exception is a retryable failure with the job's backoff;
 * {@link JobFailure#retryAfter} names the delay; {@link JobFailure#permanent} fails without retry.
 * A long-running handler should check {@link JobContext#isCancelled()} or respond to interrupts,
 * which is how timeouts and cancellations reach it.
 *
 * <pre>{@code
 * handlers.register("send-welcome", Welcome.class, ctx -> {
 *     mailer.send(ctx.payload().email());
 *     return Map.of("sent", true);
 * });
 * }</pre>
 *
 * @param <P> the payload type
 * @param <R> the result type
 */
@FunctionalInterface
public interface JobHandler<P, R> {

    R handle(JobContext<P> context) throws Exception;
}
