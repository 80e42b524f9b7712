//! The `yuanqu` binary: parse flags, run, print, turn the result into an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}

/// mimalloc: the overlay and the readers allocate and free many small
/// vectors from several threads, where it is faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
