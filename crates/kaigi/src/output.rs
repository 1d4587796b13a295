//! What the commands write. Lines of output go to standard output through [`line`] (the `out!`
//! macro), which stops the command when nobody reads any more (`kaigi user list | head -1`):
//! `main` then exits quietly, with success, where `println!` would panic on the closed pipe.
//! Notes for the person at the terminal go to standard error through [`note`] (`note!`), which
//! ignores a closed stream.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes one line to standard output. Err when it cannot be written; after a broken pipe
/// [`stdout_closed`] says so, and the command should end.
pub fn line(args: std::fmt::Arguments<'_>) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| stdout.write_all(b"\n")).and_then(|()| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::SeqCst);
            Err("standard output is closed".into())
        }
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

/// Whether a line could not be written because the reader of standard output went away.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// Writes `args` to standard error (a line when `newline`), ignoring a closed stream.
pub fn note(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| if newline { stderr.write_all(b"\n") } else { stderr.flush() });
}

/// `println!` for the commands' output: `out!(...)?` ends the command when stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics: a note for the person at the terminal.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::note(format_args!($($arg)*), true)
    };
}
