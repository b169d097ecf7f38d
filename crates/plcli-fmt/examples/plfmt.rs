//! Reads Terraform source on stdin and prints what `terraform fmt -` would.
//! Exits 2 (like Terraform) when the input cannot be tokenized.

use std::io::{Read, Write};

fn main() {
    let mut src = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut src) {
        eprintln!("error: reading stdin: {e}");
        std::process::exit(1);
    }
    match plcli_fmt::format_stdin(&src) {
        Ok(out) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
        Err(e) => {
            let (line, col) = e.line_col(&src);
            eprintln!("error: <stdin>:{line}:{col}: {e}");
            std::process::exit(2);
        }
    }
}
