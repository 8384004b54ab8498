import Histogram
import NIOCore
import NIOPosix
import Synchronization

/// Mail-like short sessions: connect (PROXY header first if asked), read the greeting,
/// send `a1 NOOP`, read the reply, close. `concurrency` clients each run one session
/// after another: as fast as they can, or paced so that together they start `rate`
/// sessions a second (latency at a load below saturation, the same for every target).
/// Connect-to-greeting latency goes into an HDR histogram (microseconds).
enum ShortSessions {
    static func run(options: Options, setup: ClientSetup, group: EventLoopGroup) throws -> Report {
        let start = NIODeadline.now()
        // Paced: each client starts a session every `concurrency / rate` seconds, the clients
        // spread evenly over that interval.
        let interval: TimeAmount? = options.rate > 0
            ? .nanoseconds(Int64(Double(options.concurrency) / options.rate * 1e9)) : nil
        let plan = Plan(warmupEnd: start + .nanoseconds(Int64(options.warmup * 1e9)),
                        deadline: start + .nanoseconds(Int64((options.warmup + options.duration) * 1e9)),
                        count: options.count, interval: interval)
        var workers: [(EventLoop, NIOLoopBound<SessionWorker>)] = []
        var finished: [EventLoopFuture<Void>] = []
        for index in 0..<options.concurrency {
            let loop = group.next()
            let worker = try loop.submit {
                let offset = interval.map { TimeAmount.nanoseconds($0.nanoseconds * Int64(index) / Int64(options.concurrency)) }
                let worker = SessionWorker(loop: loop, setup: setup, plan: plan, firstSource: index,
                                           firstStart: start + (offset ?? .zero))
                worker.next()
                return NIOLoopBound(worker, eventLoop: loop)
            }.wait()
            workers.append((loop, worker))
            finished.append(try loop.submit { worker.value.finished.futureResult }.wait())
        }
        // Sessions still open well after the deadline are stuck: close them and count them as errors.
        let all = workers
        let guardTask = group.next().scheduleTask(deadline: plan.deadline + .seconds(5)) {
            for (loop, worker) in all { loop.execute { worker.value.abort() } }
        }
        for future in finished { try? future.wait() }
        guardTask.cancel()

        var histogram = SessionWorker.emptyHistogram()
        var sessions = 0, errors = 0, allSessions = 0
        var last = plan.warmupEnd
        for (loop, worker) in workers {
            let (part, done, ended, failed, lastCompletion) = try loop.submit {
                (worker.value.histogram, worker.value.completed, worker.value.endedSessions, worker.value.errors,
                 worker.value.lastCompletion)
            }.wait()
            histogram.add(part)
            sessions += done
            allSessions += ended
            errors += failed
            last = max(last, lastCompletion)
        }
        let seconds = Double((last - plan.warmupEnd).nanoseconds) / 1e9
        var report = Report(label: options.label, mode: options.mode.rawValue)
        report["proxy_header"] = .bool(options.proxyHeader)
        report["sources"] = .int(options.sources.count)
        report["concurrency"] = .int(options.concurrency)
        if options.rate > 0 { report["rate"] = .double(options.rate) }
        report["sessions"] = .int(sessions)
        report["all_sessions"] = .int(allSessions)
        report["errors"] = .int(errors)
        report["seconds"] = .double(seconds)
        report["conn_per_s"] = .double(seconds > 0 ? Double(sessions) / seconds : 0)
        report["p50_us"] = .int(Int(histogram.valueAtPercentile(50)))
        report["p90_us"] = .int(Int(histogram.valueAtPercentile(90)))
        report["p99_us"] = .int(Int(histogram.valueAtPercentile(99)))
        report["p999_us"] = .int(Int(histogram.valueAtPercentile(99.9)))
        report["max_us"] = .int(Int(histogram.max))
        return report
    }

    /// When measuring starts and stops, shared by every worker.
    final class Plan: Sendable {
        let warmupEnd: NIODeadline
        let deadline: NIODeadline
        let count: Int
        /// Paced runs: how often each client starts a session.
        let interval: TimeAmount?
        private let claimed = Atomic<Int>(0)

        init(warmupEnd: NIODeadline, deadline: NIODeadline, count: Int, interval: TimeAmount?) {
            self.warmupEnd = warmupEnd
            self.deadline = deadline
            self.count = count
            self.interval = interval
        }

        /// May another session start now? Sessions after the warm-up count against `count`.
        func claim(at now: NIODeadline) -> Bool {
            if now >= deadline { return false }
            if now < warmupEnd { return true }
            return claimed.wrappingAdd(1, ordering: .relaxed).oldValue < count
        }
    }
}

/// One simulated client: runs sessions back to back on its event loop.
final class SessionWorker {
    let loop: EventLoop
    let setup: ClientSetup
    let plan: ShortSessions.Plan
    let finished: EventLoopPromise<Void>
    private(set) var histogram = SessionWorker.emptyHistogram()
    private(set) var completed = 0
    /// Every session that ended, warm-up included (what the proxy's CPU time is divided by).
    private(set) var endedSessions = 0
    private(set) var errors = 0
    private(set) var lastCompletion: NIODeadline
    private var sourceIndex: Int
    private var current: Channel?
    private var stopped = false
    /// Paced runs: when this client's next session is due.
    private var nextStart: NIODeadline

    static func emptyHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    init(loop: EventLoop, setup: ClientSetup, plan: ShortSessions.Plan, firstSource: Int, firstStart: NIODeadline) {
        self.loop = loop
        self.setup = setup
        self.plan = plan
        self.finished = loop.makePromise()
        self.lastCompletion = plan.warmupEnd
        self.sourceIndex = firstSource
        self.nextStart = firstStart
    }

    func next() {
        let now = NIODeadline.now()
        if let interval = plan.interval {
            if now < nextStart {
                loop.assumeIsolated().scheduleTask(deadline: nextStart) { [self] in next() }
                return
            }
            // A session that ran past its slot delays the next one (the run is then saturated).
            nextStart = max(nextStart + interval, now)
        }
        guard !stopped, plan.claim(at: now) else {
            stop()
            return
        }
        let source = setup.sources[sourceIndex % setup.sources.count]
        sourceIndex &+= 1
        let handler = ShortSessionHandler(header: setup.header, started: now)
        let bound = NIOLoopBound(handler, eventLoop: loop)
        setup.bootstrap(on: loop, source: source)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(bound.value)
                }
            }
            .connect(to: setup.target)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    current = channel
                    channel.closeFuture.assumeIsolated().whenComplete { [self] _ in
                        current = nil
                        ended(handler)
                    }
                case .failure:
                    ended(handler)
                }
            }
    }

    private func ended(_ session: ShortSessionHandler) {
        let measured = session.started >= plan.warmupEnd
        endedSessions += 1
        if let greeted = session.greeted, session.replied {
            if measured {
                let micros = (greeted - session.started).nanoseconds / 1000
                _ = histogram.record(UInt64(max(1, micros)))
                completed += 1
                lastCompletion = .now()
            }
            next()
        } else {
            if measured { errors += 1 }
            // Do not spin on a refusing target.
            loop.assumeIsolated().scheduleTask(in: .milliseconds(1)) { [self] in next() }
        }
    }

    /// Past the hard deadline: close whatever is still open.
    func abort() {
        stopped = true
        current?.close(promise: nil)
        stop()
    }

    private func stop() {
        stopped = true
        finished.succeed()
    }
}

final class ShortSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let command = ByteBuffer(string: "a1 NOOP\r\n")

    let header: ByteBuffer?
    let started: NIODeadline
    private(set) var greeted: NIODeadline?
    private(set) var replied = false
    private var lines = LineReader()

    init(header: ByteBuffer?, started: NIODeadline) {
        self.header = header
        self.started = started
    }

    func channelActive(context: ChannelHandlerContext) {
        if let header { context.writeAndFlush(wrapOutboundOut(header), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        var count = lines.takeLines(from: &bytes)
        guard count > 0 else { return }
        if greeted == nil {
            greeted = .now()
            count -= 1
            context.writeAndFlush(wrapOutboundOut(Self.command), promise: nil)
        }
        if count > 0 && !replied {
            replied = true
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
