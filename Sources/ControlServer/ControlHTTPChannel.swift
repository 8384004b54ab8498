import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// What a control-socket connection may cost: how long it may take to send a request, how
/// long it may sit idle between requests, and how many may be open at once. Hostile or
/// broken clients (one header byte a second, a body that never ends, thousands of
/// connections) are answered and closed instead of held.
public struct ControlConnectionLimits: Sendable, Hashable {
    /// From a request's first byte to the end of its header.
    public var headerTimeout: Duration
    /// From the end of a request's header to the end of its body.
    public var bodyTimeout: Duration
    /// A connection with no request under way (before the first, or between two).
    public var idleTimeout: Duration
    /// Connections open at once; the next one is answered 503 and closed.
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(10),
                idleTimeout: Duration = .seconds(60), maxConnections: Int = 64) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The open control connections: counted for the cap, and closed at once when the server
/// must stop by a deadline (a stalled client never holds a shutdown hostage).
final class ControlConnections: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel, limit: Int) -> Bool {
        open.withLock { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: any Channel) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { open.withLock { $0.count } }

    func closeAll() {
        let channels = open.withLock { Array($0.values) }
        for channel in channels { channel.close(promise: nil) }
    }
}

/// Hummingbird's HTTP/1 channel with the control socket's guards in its pipeline:
/// - `ControlConnectionGuard`, first (bytes): the connection cap, the timeouts, and a JSON
///   answer written straight to the socket when a client is cut off;
/// - `ControlRequestGuard`, after HTTP decoding (request parts): turns the bare `400` that
///   Hummingbird writes on an HTTP parse error into the API's JSON error, and answers
///   `CONNECT` (which HTTP/1 decoding treats as a protocol switch) itself.
struct ControlHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ControlConnectionLimits
    let connections: ControlConnections

    /// Header limits well below Hummingbird's 80 KiB defaults: the API's requests are small.
    static let decoderLimits = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let inner = HTTP1Channel(responder: responder,
                                 configuration: .init(idleTimeout: nil, httpDecoderConfiguration: Self.decoderLimits))
        let limits = limits
        let connections = connections
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let timers = ControlConnectionTimers(limits: limits)
            try operations.addHandler(ControlConnectionGuard(timers: timers, connections: connections), position: .first)
            let stateHandler = try operations.handler(type: HTTPConnectionStateHandler.self)
            try operations.addHandler(ControlRequestGuard(timers: timers), position: .before(stateHandler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the control socket's guards (see `ControlHTTPChannel`).
    static func control(limits: ControlConnectionLimits, connections: ControlConnections) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ControlHTTPChannel(responder: responder, limits: limits, connections: connections)
        }
    }
}

/// Where a connection is, for its timeouts. Shared by the two guards of one channel, on its loop.
final class ControlConnectionTimers {
    enum Phase {
        /// No request under way: `idleTimeout` runs.
        case idle
        /// Bytes of a request arrived, its header is not complete: `headerTimeout` runs.
        case readingHeader
        /// The header arrived, the body has not ended: `bodyTimeout` runs.
        case readingBody
        /// The request is read; the answer (maybe a long event stream) is the server's business.
        case responding
    }

    let limits: ControlConnectionLimits
    private(set) var phase = Phase.idle
    /// Requests whose header arrived and whose response has not ended.
    private var inFlight = 0
    /// Set once a response head went out for the current request: nothing may be written raw then.
    private(set) var responseStarted = false
    private var timer: Scheduled<Void>?
    /// What to do when the current phase's time is up (set by the byte-level guard).
    var onTimeout: ((Phase) -> Void)?
    /// Answers with a whole response written below the HTTP encoder, then closes (set by the
    /// byte-level guard; for requests the HTTP layer cannot answer itself).
    var answerRaw: ((APIError) -> Void)?
    private var eventLoop: (any EventLoop)?

    init(limits: ControlConnectionLimits) {
        self.limits = limits
    }

    func start(on eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        enter(.idle)
    }

    func bytesArrived() {
        if phase == .idle { enter(.readingHeader) }
    }

    func headReceived() {
        inFlight += 1
        responseStarted = false
        enter(.readingBody)
    }

    func endReceived() {
        // Answered before its body was read (a refusal, say): nothing is under way any more.
        enter(inFlight == 0 ? .idle : .responding)
    }

    func responseHeadSent() {
        responseStarted = true
    }

    func responseEnded() {
        inFlight = max(0, inFlight - 1)
        responseStarted = false
        if inFlight == 0 && phase == .responding { enter(.idle) }
    }

    func stop() {
        timer?.cancel()
        timer = nil
        onTimeout = nil
        answerRaw = nil
    }

    private func enter(_ next: Phase) {
        phase = next
        timer?.cancel()
        timer = nil
        let limit: Duration
        switch next {
        case .idle: limit = limits.idleTimeout
        case .readingHeader: limit = limits.headerTimeout
        case .readingBody: limit = limits.bodyTimeout
        case .responding: return
        }
        guard let eventLoop else { return }
        timer = eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: TimeAmount(limit)) { [self] in
            timer = nil
            guard phase == next else { return }
            onTimeout?(next)
        }
    }
}

/// First in the pipeline, on bytes: the connection cap, the timers' view of raw bytes, and
/// the JSON answer written when a connection is cut off before any response began.
final class ControlConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timers: ControlConnectionTimers
    private let connections: ControlConnections
    private var activated = false
    private var registered = false
    private var refused = false

    init(timers: ControlConnectionTimers, connections: ControlConnections) {
        self.timers = timers
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activate(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context: context)
        context.fireChannelActive()
    }

    private func activate(context: ChannelHandlerContext) {
        guard !activated else { return }
        activated = true
        guard connections.add(context.channel, limit: timers.limits.maxConnections) else {
            refused = true
            let error = APIError(status: 503, code: "too-many-connections",
                                 message: "the control socket has \(timers.limits.maxConnections) connections open already; try again later")
            writeRawAndClose(context: context, error)
            return
        }
        registered = true
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timers.onTimeout = { [self] phase in
            let context = loopBound.value
            switch phase {
            case .idle:
                context.close(promise: nil)
            case .readingHeader:
                writeRawAndClose(context: context, APIError(
                    status: 408, code: "request-timeout",
                    message: "the request header did not arrive within \(timers.limits.headerTimeout.configText)"))
            case .readingBody:
                let error = APIError(status: 408, code: "request-timeout",
                                     message: "the request body did not arrive within \(timers.limits.bodyTimeout.configText)")
                if timers.responseStarted { context.close(promise: nil) } else { writeRawAndClose(context: context, error) }
            case .responding:
                break
            }
        }
        timers.answerRaw = { [self] error in writeRawAndClose(context: loopBound.value, error) }
        timers.start(on: context.eventLoop)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }  // nothing of a refused connection reaches HTTP decoding
        timers.bytesArrived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timers.stop()
        if registered {
            registered = false
            connections.remove(context.channel)
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timers.stop()
        if registered {
            registered = false
            connections.remove(context.channel)
        }
    }

    /// A whole HTTP/1.1 response, written below the HTTP encoder (no response is under way).
    private func writeRawAndClose(context: ChannelHandlerContext, _ error: APIError) {
        timers.stop()
        let body = ControlAPI.errorJSON(error)
        let status = HTTPResponse.Status(code: error.status)
        var text = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        text += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + body.count)
        buffer.writeString(text)
        buffer.writeBytes(body)
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// After HTTP decoding, on request and response parts.
final class ControlRequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timers: ControlConnectionTimers
    /// The HTTP parse error seen on the way in, to put into the bare 400 on the way out.
    private var parseError: HTTPParserError?
    /// A request this handler answered itself: its parts are not passed on.
    private var swallowing = false

    init(timers: ControlConnectionTimers) {
        self.timers = timers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            timers.headReceived()
            if request.method == .connect {
                // HTTP/1 decoding stops after a CONNECT header (a tunnel would follow) and the
                // response encoder then writes no body: answer below both, and close.
                swallowing = true
                timers.answerRaw?(APIError(status: 405, code: "method-not-allowed",
                                           message: "CONNECT is not supported on the control socket (see openapi.yaml)"))
                return
            }
        case .body:
            break
        case .end:
            timers.endReceived()
        }
        if swallowing { return }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { parseError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(var response):
            timers.responseHeadSent()
            // Hummingbird's answer to a parse error: 400, no body. Give it the API's JSON error.
            if let parseError, response.status == .badRequest, response.headerFields[.contentLength] == "0" {
                let body = ControlAPI.errorJSON(APIError.malformedRequest(parseError))
                response.headerFields[.contentLength] = "\(body.count)"
                response.headerFields[.contentType] = "application/json"
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: promise)
                return
            }
        case .body:
            break
        case .end:
            context.write(data, promise: promise)
            timers.responseEnded()
            return
        }
        context.write(data, promise: promise)
    }
}

extension APIError {
    /// A request the HTTP layer could not parse: 400 with what was wrong.
    static func malformedRequest(_ error: HTTPParserError) -> APIError {
        APIError(status: 400, code: "malformed-request", message: "the request is not valid HTTP/1.1: \(Self.explain(error))")
    }

    private static func explain(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "the request line or header is too large"
        case .invalidMethod: "unknown method"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort: "invalid request target"
        case .invalidVersion: "unsupported HTTP version"
        case .invalidContentLength: "invalid Content-Length"
        case .unexpectedContentLength: "unexpected or repeated Content-Length"
        case .invalidChunkSize: "invalid chunk size in a chunked body"
        case .invalidCharactersUsed, .invalidHeaderToken, .invalidConstant: "invalid characters"
        case .lfExpected: "a line does not end with CRLF"
        case .invalidEOFState, .closedConnection: "the request ended early"
        default: "\(error)"
        }
    }
}

extension ControlAPI {
    /// `{"error": {…}}` with a newline, as every answer of the API ends.
    static func errorJSON(_ error: APIError) -> [UInt8] {
        let data = (try? encoder.encode(error.body)) ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
        return Array(data) + [0x0A]
    }
}
