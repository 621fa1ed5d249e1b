//! National figures sen compares a school with, built in as data: update this table each
//! June when the DfE publishes "Special educational needs in England" (the January census).
//! The newest release comes first; reports quote it with its source and year.

/// One release of the national SEN figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    /// The statistics' title, as the DfE publishes it.
    pub source: &'static str,
    /// When it was published ("June 2026").
    pub published: &'static str,
    /// The census it counts ("January 2026").
    pub census: &'static str,
    /// Share of all pupils in England on SEN support, per cent.
    pub sen_support: f64,
    /// Share of all pupils in England with an EHC plan, per cent.
    pub ehc_plan: f64,
}

/// Every release built in, newest first.
pub const RELEASES: [Release; 2] = [
    Release {
        source: "Special educational needs in England",
        published: "June 2026",
        census: "January 2026",
        sen_support: 14.8,
        ehc_plan: 6.0,
    },
    Release {
        source: "Special educational needs in England",
        published: "June 2025",
        census: "January 2025",
        sen_support: 14.2,
        ehc_plan: 5.3,
    },
];

/// The latest release.
pub fn latest() -> &'static Release {
    &RELEASES[0]
}
