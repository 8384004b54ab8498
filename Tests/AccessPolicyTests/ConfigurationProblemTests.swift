import Testing
@testable import AccessPolicy

@Suite struct ConfigurationProblemTests {
    @Test func descriptionIsFileLineMessage() {
        #expect(ConfigurationProblem(file: "mailgate.toml", line: 14, message: "bad").description == "mailgate.toml:14: bad")
        #expect(ConfigurationProblem(file: "mailgate.toml", message: "bad").description == "mailgate.toml: bad")
    }

    @Test func problemsAreListedInFileOrder() {
        let problems = ConfigurationProblems([
            ConfigurationProblem(file: "f", line: 9, message: "c"),
            ConfigurationProblem(file: "f", line: nil, message: "a"),
            ConfigurationProblem(file: "f", line: 2, message: "b"),
            ConfigurationProblem(file: "f", line: 9, message: "d"),
        ])
        #expect(problems.description == "f: a\nf:2: b\nf:9: c\nf:9: d")
    }
}
