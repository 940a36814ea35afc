/**
 * Runs a container image as a Kubernetes Job from a Bulwark job (type
 * {@value io.bulwark.kubernetes.jobs.KubernetesJobs#TYPE}): the payload is a
 * {@link io.bulwark.kubernetes.jobs.KubernetesJobSpec}, the result a
 * {@link io.bulwark.kubernetes.jobs.KubernetesJobResult}; register it with
 * {@link io.bulwark.kubernetes.jobs.KubernetesJobs#register}.
 */
package io.bulwark.kubernetes.jobs;
