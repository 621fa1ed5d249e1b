//! The integration tests: one binary, a module per area (as jj and mdBook keep theirs), so
//! the crate is linked once for all of them. `cargo test --test it AREA::` runs one area.

mod common;
#[allow(dead_code)] // the generator's own main is for `cargo run --example`
#[path = "../../examples/gen_school.rs"]
mod gen_school;

mod advice;
mod browser;
mod cli_help;
mod documents_trust;
mod docx;
mod duties;
mod edit_roundtrip;
mod editor;
mod example;
mod first_week;
mod fuzz_props;
mod golden;
mod import_circles;
mod inspection;
mod letters;
mod mis;
mod no_modification;
mod oversight;
mod print;
mod published;
mod readers;
mod reports;
mod rules;
mod serve;
mod serve_create;
mod serve_record;
mod serve_text;
mod story;
mod trust;
mod validity;
mod wording;
mod workflow;
