//! The `yuanqu` binary: parse flags, run, print, turn the result into an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // before any thread starts (see there)
    clean_up_on_interrupt();
    tune_allocator();
    cli::main()
}

/// Makes Ctrl-C, `kill` and a closed terminal (SIGINT, SIGTERM, SIGHUP)
/// remove the run's temporary files before the process exits with 128 + the
/// signal's number. The signals are blocked here, before any other thread
/// starts (threads inherit the mask), and taken by one thread that waits
/// for them: it runs ordinary code, not a signal handler.
fn clean_up_on_interrupt() {
    #[cfg(unix)]
    // SAFETY: libc calls on a signal set owned here and moved into the
    // thread; sigwait returns the signal to that thread, no handler runs.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut sig: libc::c_int = 0;
            if libc::sigwait(&set, &mut sig) == 0 {
                yuanqu::output::atomic::remove_live_temporaries_and_exit(128 + sig, "\ninterrupted");
            }
        });
    }
}

/// mimalloc: the overlay and the readers allocate and free many small
/// vectors from several threads, where it is faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One run of the CLI is short and its memory peaks near the end, so memory
/// freed on the way is kept for reuse instead of being handed back to the
/// OS and faulted in (and zeroed) again: on the large benchmark set that
/// was 1.2 s of kernel time. Transparent huge pages are left off: they zero
/// 2 MiB at a time where the run touches less, 70 MiB of peak memory.
/// `MIMALLOC_PURGE_DELAY` / `MIMALLOC_ALLOW_THP` in the environment still win.
fn tune_allocator() {
    // the option's number in mimalloc.h (v2 and v3 agree); the Rust bindings
    // do not name it
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: called first thing in main, before any other thread exists
    // (mi_option_set is not thread safe); the option is a plain integer.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
    // mimalloc reads its THP option before main, so the process flag is set
    // directly (what mimalloc itself does for MIMALLOC_ALLOW_THP=0)
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with integer arguments only; failure changes nothing
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}
