//! `sen calendar` (to be built).

use anyhow::{Result, bail};

use crate::cli::CalendarArgs;
use crate::settings::Ctx;

pub fn run(_args: &CalendarArgs, _ctx: &Ctx) -> Result<i32> {
    bail!("`sen calendar` is not built yet")
}
