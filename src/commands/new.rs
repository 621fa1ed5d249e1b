//! `sen new` (to be built).

use anyhow::{Result, bail};

use crate::cli::NewArgs;
use crate::settings::Ctx;

pub fn run(_args: &NewArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen new` is not built yet")
}
