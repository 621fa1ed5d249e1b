//! `sen letter` (to be built).

use anyhow::{Result, bail};

use crate::cli::LetterArgs;
use crate::settings::Ctx;

pub fn run(_args: &LetterArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen letter` is not built yet")
}
