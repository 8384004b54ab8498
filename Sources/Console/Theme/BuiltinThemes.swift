// Generated from themes/*.theme by scripts/generate-builtin-themes.py; a test keeps them equal.
// Built in so the binary needs no files beside it.

enum BuiltinThemes {
    static let names = ["default", "light", "high-contrast", "mono"]

    static let text: [String: String] = [
        "default": #"""
        # mailgate console theme: default (colours over the terminal's own background)
        # role            foreground      background   attributes
        normal            default         default
        top-bar           black           cyan
        tab-active        black           white        bold
        tab-inactive      default         default
        heading           cyan            default      bold
        table-header      default         default      bold,underline
        selected          black           cyan
        group             yellow          default      bold
        dim               bright-black    default
        good              green           default
        warning           yellow          default      bold
        bad               red             default      bold
        banner            bright-white    red          bold
        footer-key        black           cyan
        footer-label      default         default
        dialog            default         blue
        dialog-title      bright-white    blue         bold
        danger            bright-white    red
        danger-title      yellow          red          bold
        button            default         default
        button-focused    black           white        bold
        input             bright-white    black        underline
        input-error       bright-yellow   default      bold
        filter            yellow          default      bold
        """#,
        "light": #"""
        # mailgate console theme: light (for dark text on a light terminal background)
        # role            foreground      background   attributes
        normal            default         default
        top-bar           white           blue
        tab-active        white           blue         bold
        tab-inactive      default         default
        heading           blue            default      bold
        table-header      default         default      bold,underline
        selected          white           blue
        group             magenta         default      bold
        dim               bright-black    default
        good              green           default      bold
        warning           magenta         default      bold
        bad               red             default      bold
        banner            white           red          bold
        footer-key        white           blue
        footer-label      default         default
        dialog            black           white
        dialog-title      blue            white        bold
        danger            white           red
        danger-title      yellow          red          bold
        button            black           white
        button-focused    white           blue         bold
        input             black           bright-white underline
        input-error       red             default      bold
        filter            blue            default      bold
        """#,
        "high-contrast": #"""
        # mailgate console theme: high-contrast (bright colours, bold text, black backgrounds)
        # role            foreground      background   attributes
        normal            bright-white    black
        top-bar           black           bright-yellow bold
        tab-active        black           bright-white bold
        tab-inactive      bright-white    black
        heading           bright-yellow   black        bold
        table-header      bright-white    black        bold,underline
        selected          black           bright-yellow bold
        group             bright-cyan     black        bold
        dim               white           black
        good              bright-green    black        bold
        warning           bright-yellow   black        bold
        bad               bright-red      black        bold
        banner            bright-white    red          bold
        footer-key        black           bright-white bold
        footer-label      bright-white    black
        dialog            bright-white    blue         bold
        dialog-title      bright-yellow   blue         bold
        danger            bright-white    red          bold
        danger-title      bright-yellow   red          bold
        button            bright-white    black
        button-focused    black           bright-yellow bold
        input             bright-white    black        underline
        input-error       bright-yellow   black        bold
        filter            bright-yellow   black        bold
        """#,
        "mono": #"""
        # mailgate console theme: mono (no colour at all; NO_COLOR chooses it without --theme). Attributes only.
        # role            foreground      background   attributes
        normal            default         default
        top-bar           default         default      reverse
        tab-active        default         default      reverse,bold
        tab-inactive      default         default
        heading           default         default      bold
        table-header      default         default      bold,underline
        selected          default         default      reverse
        group             default         default      bold
        dim               default         default      dim
        good              default         default
        warning           default         default      bold
        bad               default         default      bold
        banner            default         default      reverse,bold
        footer-key        default         default      reverse
        footer-label      default         default
        dialog            default         default
        dialog-title      default         default      bold
        danger            default         default      reverse
        danger-title      default         default      reverse,bold
        button            default         default
        button-focused    default         default      reverse,bold
        input             default         default      underline
        input-error       default         default      bold
        filter            default         default      bold
        """#,
    ]
}
