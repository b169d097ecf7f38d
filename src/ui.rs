//! Terminal output: colour decisions and diagnostic printing.

use std::io::{IsTerminal, Write};

use plcli_syntax::{Diagnostics, SourceMap};

/// How to write for people.
pub struct Ui {
    /// Colour on stderr (diagnostics).
    pub color_err: bool,
    /// Colour on stdout.
    #[allow(dead_code)]
    pub color_out: bool,
}

impl Ui {
    pub fn new(no_color: bool) -> Ui {
        let allowed = !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ui { color_err: allowed && std::io::stderr().is_terminal(), color_out: allowed && std::io::stdout().is_terminal() }
    }

    /// Prints every diagnostic, rendered, to stderr.
    pub fn print_diagnostics(&self, diags: &Diagnostics, sources: &SourceMap) {
        let mut err = std::io::stderr().lock();
        for d in diags.iter() {
            let _ = write!(err, "{}", d.render(sources, self.color_err));
        }
    }
}
