/**
 * {@code bulwark deploy image}: the container image of a Bulwark distribution, built with Jib
 * (no Docker daemon, no Dockerfile) onto a JRE base from a registry, a {@code docker save}
 * tarball or a local daemon, and written as a tarball or loaded into the daemon.
 *
 * <pre>{@code
 * ImageSettings settings = ImageSettings.builder().image("shop/bulwark:1.4.2").port(9090)
 *         .base(BaseImage.parse("tar:/tmp/temurin-25-jre.tar")).build();
 * ImageResult r = ImageBuild.build(settings, Distribution.at(Path.of("bulwark-cli/target")),
 *         ImageTarget.tarball(Path.of("bulwark.tar")), executor, ImageBuildListener.NONE);
 * }</pre>
 *
 * The image runs as user 10001 with {@code bulwark serve} as its command, keeps the third-party
 * jars in one layer and Bulwark's own in another (a code change replaces only the small one),
 * and records a class-data-sharing archive under {@code /tmp} at each command's first exit, so
 * it runs on a read-only root filesystem. Jib cannot set a {@code HEALTHCHECK}: the orchestrator's
 * probes check health (the generated Kubernetes probes and compose health checks); the Dockerfile
 * of {@code deploy generate --target docker} keeps its {@code HEALTHCHECK}.
 */
package io.bulwark.deploy.image;
