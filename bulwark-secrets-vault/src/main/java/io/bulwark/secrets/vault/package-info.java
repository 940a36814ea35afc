/**
 * {@code vault:} secret references, read from a HashiCorp Vault KV version 2 engine:
 * {@link io.bulwark.secrets.vault.VaultSecretResolver}, found by {@link java.util.ServiceLoader}
 * through {@link io.bulwark.core.config.SecretResolvers}.
 */
package io.bulwark.secrets.vault;
