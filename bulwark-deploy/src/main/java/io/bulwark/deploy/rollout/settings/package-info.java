/**
 * Reading a rollout definition's {@code driver} section: typed settings whose errors name
 * {@code driver.<setting>}, shared by the traffic drivers of every module.
 */
package io.bulwark.deploy.rollout.settings;
