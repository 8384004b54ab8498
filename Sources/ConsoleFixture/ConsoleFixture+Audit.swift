import AccessPolicy
import MailgateAPI
import Console
import Foundation

/// The fixture's audit log: who set the lists up, a hand edit picked up by a reload, and a
/// TCP Proxy change that was not confirmed and reverted itself.
extension ConsoleFixture {
    public static func auditRecords(now: Date) -> [AuditRecord] {
        let lists = ConsoleFixture.lists
        let lb1 = lists.whitelist[0], lb2 = lists.whitelist[1], spam = lists.blacklist[1]
        var lb2Flagged = lb2
        lb2Flagged.tcpProxy = true
        func at(_ ago: Double) -> Date { now.addingTimeInterval(-ago) }
        return [
            AuditRecord(id: "a01", time: at(86_400 * 20), user: "alice", uid: 1001, action: "whitelist.add", list: .whitelist,
                        entryID: lb1.id, before: nil, after: lb1, detail: "added whitelist \(lb1.source) \"haproxy lb1\" [imap,pop3] tcp_proxy"),
            AuditRecord(id: "a02", time: at(86_400 * 3), user: "file", uid: nil, action: "reload", list: nil, entryID: nil,
                        before: nil, after: nil, detail: "SIGHUP: added blacklist 2001:db8:bad::/48 \"IMAP scanner\""),
            AuditRecord(id: "a03", time: at(7_200), user: "bob", uid: 1002, action: "blacklist.add", list: .blacklist,
                        entryID: spam.id, before: nil, after: spam, detail: "added blacklist \(spam.source) \"spam bot\" [smtp]"),
            AuditRecord(id: "a04", time: at(3_600), user: "alice", uid: 1001, action: "whitelist.update", list: .whitelist,
                        entryID: lb2.id, before: lb2, after: lb2Flagged,
                        detail: "changed whitelist \(lb2.source) (\(lb2.id)): tcp_proxy false → true; pending change chg-7 reverts at "
                            + "\(at(3_480).formatted(.iso8601)) unless confirmed"),
            AuditRecord(id: "a05", time: at(3_480), user: "mailgate", uid: nil, action: "change.auto-revert", list: .whitelist,
                        entryID: lb2.id, before: lb2Flagged, after: lb2,
                        detail: "chg-7 (enable TCP Proxy for \(lb2.source)): not confirmed within 2m, reverted automatically: "
                            + "undid tcp_proxy true → false on \(lb2.source)"),
        ]
    }
}
