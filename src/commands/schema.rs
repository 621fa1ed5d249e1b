//! `sen schema` (to be built).

use anyhow::{Result, bail};

use crate::cli::SchemaArgs;
use crate::settings::Ctx;

pub fn run(_args: &SchemaArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen schema` is not built yet")
}

pub fn completions(args: &crate::cli::CompletionsArgs) -> Result<i32> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "sen", &mut std::io::stdout());
    Ok(0)
}

pub fn man() -> Result<i32> {
    use clap::CommandFactory;
    let cmd = crate::cli::Cli::command();
    clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
    Ok(0)
}
