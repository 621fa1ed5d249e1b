//! `sen report KIND`: the records loaded once, the report looked up in the one table
//! ([`crate::reports::table`]), its view built and its template rendered, then written as
//! Markdown, a printable HTML page or a Word document.

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::render::{self, Renderer};
use crate::reports::table::{self, Ask, Input};
use crate::settings::Ctx;

pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    if let Some(out) = render::out_file(args.out.as_deref()) {
        render::check_output_path(Some(&root), out)?;
    }
    let renderer = Renderer::new(Some(&root), args.template.as_deref())?;
    let loaded = crate::load::load(&root, ctx.as_of);
    for warning in table::warnings(args.kind, &loaded) {
        eprintln!("{warning}");
    }
    let ask = ask(args);
    let input = Input {
        loaded: &loaded,
        findings: None,
        renderer: &renderer,
        as_of: ctx.as_of,
        ask: &ask,
    };
    let doc = table::make(args.kind, &input)?;
    let bytes = doc.bytes(args.format)?;
    render::emit(Some(&root), args.out.as_deref(), args.format, &bytes)?;
    Ok(0)
}

/// What the arguments ask for beyond the kind.
fn ask(args: &ReportArgs) -> Ask {
    Ask {
        pupils: args.pupils.clone(),
        class: args.class.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        sort: args.sort.clone(),
        years: args.year.clone(),
    }
}
