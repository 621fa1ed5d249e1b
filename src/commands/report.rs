//! `sen report` (to be built).

use anyhow::{Result, bail};

use crate::cli::ReportArgs;
use crate::settings::Ctx;

pub fn run(_args: &ReportArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen report` is not built yet")
}
