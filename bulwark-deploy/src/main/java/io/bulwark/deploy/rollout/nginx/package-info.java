/**
 * The {@code nginx} traffic driver: weighted {@code upstream} servers in a file the user's nginx
 * configuration includes, moved into place atomically, checked with {@code nginx -t} and reloaded
 * gracefully.
 */
package io.bulwark.deploy.rollout.nginx;
