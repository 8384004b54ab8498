import Foundation
import Testing
@testable import Console

@Suite("A daemon that cannot be reached is explained with the fix")
struct LinkProblemTests {
    @Test func aMissingSocketNamesThePathAndHowToStartTheDaemon() {
        let state = LinkProblem.state(errno: ENOENT, socket: "/run/mailgate/control.sock", wasConnected: false, attempt: 1)
        guard case .failed(let problem, let fix) = state else { Issue.record("\(state)"); return }
        #expect(problem == "no control socket at /run/mailgate/control.sock")
        #expect(fix.contains("mailgate serve"))
    }

    @Test func aPermissionErrorSaysWhichGroup() {
        let state = LinkProblem.state(errno: EACCES, socket: "/run/mailgate/control.sock", wasConnected: false, attempt: 1)
        guard case .failed(let problem, let fix) = state else { Issue.record("\(state)"); return }
        #expect(problem.contains("permission denied"))
        #expect(fix.contains("group"))
    }

    @Test func afterBeingConnectedItReconnectsInsteadOfGivingUp() {
        let state = LinkProblem.state(errno: ECONNREFUSED, socket: "/s", wasConnected: true, attempt: 4)
        #expect(state == .reconnecting(attempt: 4, reason: "the daemon closed the connection"))
    }
}
