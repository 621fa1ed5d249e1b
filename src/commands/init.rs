//! `sen init` (to be built).

use anyhow::{Result, bail};

use crate::cli::InitArgs;
use crate::settings::Ctx;

pub fn run(_args: &InitArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen init` is not built yet")
}
