//! Running the command line's own commands for the pages that write or render a document
//! (letters, reports, the calendar, import, census): the same code, with the same checks
//! and the same safety, as when a SENCO types them. The child gets this server's records
//! folder and as-of date and nothing from the browser but validated arguments.

use std::path::Path;
use std::process::{Command, Stdio};

use super::State;

/// What a command printed and how it ended.
pub struct Output {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.status == 0
    }
}

/// Run `sen ARGS...` over this server's records, as on its as-of date.
pub fn sen(state: &State, args: &[&str]) -> std::io::Result<Output> {
    sen_in(&state.exe, &state.root, state.as_of, args)
}

pub fn sen_in(
    exe: &Path,
    root: &Path,
    as_of: chrono::NaiveDate,
    args: &[&str],
) -> std::io::Result<Output> {
    let out = Command::new(exe)
        .arg("--records")
        .arg(root)
        .arg("--as-of")
        .arg(crate::dates::iso(as_of))
        .arg("--color")
        .arg("never")
        .args(args)
        .current_dir(root)
        .env_remove("SEN_RECORDS")
        .env_remove("SEN_AS_OF")
        .stdin(Stdio::null())
        .output()?;
    Ok(Output {
        status: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
