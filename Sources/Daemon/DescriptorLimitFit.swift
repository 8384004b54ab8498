import AccessPolicy
import ControlServer
import Gate
import Logging

/// Raises the soft descriptor limit to the hard one and fits `max_connections` to it: two
/// descriptors per relayed connection, and a reserve the gate's sockets never touch (the
/// runtime aborts the process when it cannot open a file). Lowered loudly, never silently.
enum DescriptorLimitFit {
    static func fit(_ configuration: GateConfiguration, controlLimits: ControlConnectionLimits,
                    logger: Logger) throws(DaemonFailure) -> (GateConfiguration, DescriptorBudget) {
        guard let (soft, hard) = DescriptorPlan.raisingSoftLimit() else {
            logger.warning("cannot read the descriptor limit (RLIMIT_NOFILE); max_connections is not checked against it")
            return (configuration, DescriptorBudget())
        }
        let listenSockets = configuration.listeners.reduce(0) { $0 + $1.listen.count }
        let plan = DescriptorPlan(softLimit: soft, hardLimit: hard,
                                  reserve: DescriptorPlan.reserve(listenSockets: listenSockets,
                                                                  controlConnections: controlLimits.maxConnections),
                                  requestedConnections: configuration.limits.maxConnections)
        guard plan.maxConnections >= 1 else {
            throw DaemonFailure("the descriptor limit \(soft) (hard limit \(hard)) leaves no room for connections after the "
                                + "reserve of \(plan.reserve) descriptors; raise it (ulimit -n, or LimitNOFILE= in the systemd unit)")
        }
        if let message = plan.clampMessage { logger.warning("\(message)") }
        logger.notice("descriptor limit \(soft) (hard \(hard)): up to \(plan.socketBudget) gate sockets, max_connections \(plan.maxConnections), reserve \(plan.reserve)")
        var fitted = configuration
        fitted.limits.maxConnections = plan.maxConnections
        return (fitted, DescriptorBudget(sockets: plan.socketBudget))
    }
}
