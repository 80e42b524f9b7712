//! The `yuanqu` binary: parse flags, run, print, turn the result into an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
