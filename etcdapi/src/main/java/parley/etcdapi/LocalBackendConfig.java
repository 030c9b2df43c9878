package parley.etcdapi;

import java.util.List;
import java.util.Objects;
import parley.kv.KvConfig;

/**
 * How a {@link LocalBackend} presents itself and runs its leases.
 *
 * @param clusterId the cluster id in every response header
 * @param memberId this member's id, in headers, the member list and the status
 * @param memberName this member's name in the member list
 * @param peerUrls this member's peer URLs in the member list (a lone node has none to speak of)
 * @param version the version string {@code Status} reports; etcd-style semver so clients parse it
 * @param kvConfig the state machine's limits
 * @param leaseTickMs how often lease deadlines are checked, so a lease expires at most this late
 * @param leaseExpiryRetryMs how long before the expiry of the same lease is tried again
 * @param leaseExpiriesPerTickMax the most leases expired in one tick, so one tick stays short
 */
public record LocalBackendConfig(long clusterId, long memberId, String memberName, List<String> peerUrls,
        String version, KvConfig kvConfig, long leaseTickMs, long leaseExpiryRetryMs, int leaseExpiriesPerTickMax) {
    /** The version reported by default: the etcd API level served, with Parley as build metadata. */
    public static final String VERSION_DEFAULT = "3.4.0+parley";

    public LocalBackendConfig {
        Objects.requireNonNull(memberName, "memberName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kvConfig, "kvConfig");
        peerUrls = List.copyOf(peerUrls);
        if (memberId == 0) {
            throw new IllegalArgumentException("invalid local backend config: memberId must not be 0 (etcd's 'none')");
        }
        if (leaseTickMs < 1 || leaseExpiryRetryMs < 1 || leaseExpiriesPerTickMax < 1) {
            throw new IllegalArgumentException("invalid local backend config: lease tick, retry and batch must be positive");
        }
    }

    /** A single dev node: fixed ids, 100 ms lease ticks, the kv module's default limits. */
    public static LocalBackendConfig defaults() {
        return new LocalBackendConfig(0x5041524c4559L, 0x1, "parley-local", List.of(), VERSION_DEFAULT,
                KvConfig.defaults(), 100, 1_000, 256);
    }

    public LocalBackendConfig withKvConfig(KvConfig config) {
        return new LocalBackendConfig(clusterId, memberId, memberName, peerUrls, version, config, leaseTickMs,
                leaseExpiryRetryMs, leaseExpiriesPerTickMax);
    }
}
