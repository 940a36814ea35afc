package io.bulwark.server.internal.http;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.Origin;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.auth.ApiKeyStore;

import java.util.Optional;

/**
 * When the API may answer without a key: only on a loopback bind while no key exists, and
 * only while the data directory has never had one, unless an admin opened it on purpose.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>{@code auth.required} has three states, told apart by where its value came from: true
 *       from anywhere (the {@code prod} profile included) requires keys; false set explicitly in
 *       a file, the environment or a flag opens the API while no key exists; false by default
 *       opens it only until the directory is sealed ({@link ApiKeyStore#SEAL_FILE}). So revoking
 *       the last key or deleting {@code keys.json} keeps the API closed.</li>
 *   <li>The seal is read on each keyless request while no key exists, so a key created and
 *       revoked while the server runs closes the API for good, as a restart would.</li>
 * </ul>
 */
public final class OpenAccess {

    private enum Mode { REQUIRED, OPEN_UNTIL_SEALED, OPENED_EXPLICITLY }

    private final Mode mode;
    private final boolean loopback;
    private final Optional<Origin> explicitOrigin;

    private OpenAccess(Mode mode, boolean loopback, Optional<Origin> explicitOrigin) {
        this.mode = mode;
        this.loopback = loopback;
        this.explicitOrigin = explicitOrigin;
    }

    /** Reads {@code auth.required} and where its value came from. */
    public static OpenAccess from(BulwarkConfig config, boolean loopback) {
        Optional<Origin> origin = config.values().stream().filter(v -> v.key() == ServerKeys.AUTH_REQUIRED)
                .map(BulwarkConfig.Value::origin).findFirst();
        boolean explicit = origin.map(o -> switch (o.source()) {
            case FILE, ENV, FLAG -> true;
            case DEFAULT, PROFILE -> false;
        }).orElse(false);
        Mode mode = config.get(ServerKeys.AUTH_REQUIRED) ? Mode.REQUIRED
                : explicit ? Mode.OPENED_EXPLICITLY : Mode.OPEN_UNTIL_SEALED;
        return new OpenAccess(mode, loopback, explicit ? origin : Optional.empty());
    }

    /** True when the server must not start without a key: required, or sealed and not opened on purpose. */
    public boolean keyRequired(ApiKeyStore keys) {
        return mode == Mode.REQUIRED || (mode == Mode.OPEN_UNTIL_SEALED && keys.isSealed());
    }

    /** True when a request without a key may pass, given that no key exists. */
    public boolean openWithoutKeys(ApiKeyStore keys) {
        return loopback && !keyRequired(keys);
    }

    /** True when an admin set {@code auth.required=false} on a directory that has had keys: worth a warning. */
    public boolean reopenedOnPurpose(ApiKeyStore keys) {
        return mode == Mode.OPENED_EXPLICITLY && keys.isSealed();
    }

    /** Where the explicit {@code auth.required} came from, e.g. "flag --auth.required"; empty when not explicit. */
    public String origin() {
        return explicitOrigin.map(Origin::toString).orElse("");
    }
}
