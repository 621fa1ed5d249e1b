//! One module per command; each has a `run` that takes the parsed arguments and settings.

pub mod calendar;
pub mod census;
pub mod check;
pub mod import;
pub mod init;
pub mod letter;
pub mod new;
pub mod oversight;
pub mod report;
pub mod schema;
pub mod story;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::settings;

/// Run the command line; returns the exit status.
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = settings::resolve(&cli.global)?;
    match cli.command {
        Command::Check(a) => check::run(&a, &ctx),
        Command::Report(a) => report::run(&a, &ctx),
        Command::Letter(a) => letter::run(&a, &ctx),
        Command::Init(a) => init::run(&a, &ctx),
        Command::New(a) => new::run(&a, &ctx),
        Command::Calendar(a) => calendar::run(&a, &ctx),
        Command::Import(a) => import::run(&a, &ctx),
        Command::Census(a) => census::run(&a, &ctx),
        Command::Schema(a) => schema::run(&a, &ctx),
        Command::Completions(a) => schema::completions(&a),
        Command::Man(_) => schema::man(),
    }
}
