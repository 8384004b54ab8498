import Gate
import Prometheus

extension GateMetrics {
    /// Gate metrics that land in `registry` (what `/metrics` prints), with header-wait
    /// buckets that fit `proxy_header_timeout` (seconds, not minutes).
    public static func prometheus(_ registry: PrometheusCollectorRegistry) -> GateMetrics {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[GateMetrics.headerWaitName] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(5),
        ]
        return GateMetrics(factory: factory)
    }
}
