//! `sen`: a school's special educational needs records kept as YAML files in git, checked
//! against the SEND Code of Practice, with reports and parent letters rendered from them.
//!
//! Data flows one way: arguments -> [`settings`] -> [`load`] (which uses [`yaml`],
//! [`records`] and [`validate`] to build the [`model`]) -> [`rules`] -> a command in
//! [`commands`].

pub mod chart;
pub mod cli;
pub mod commands;
pub mod dates;
pub mod diagnostics;
pub mod docx;
pub mod edit;
pub mod findings;
pub mod fuzz;
pub mod load;
pub mod mis;
pub mod model;
pub mod national;
pub mod records;
pub mod render;
pub mod reports;
pub mod rules;
pub mod schema;
pub mod sections;
pub mod serve;
pub mod settings;
pub mod skeleton;
pub mod suppress;
pub mod validate;
pub mod views;
pub mod write;
pub mod yaml;
