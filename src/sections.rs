//! The statutory sections of the SEN information report (6.79-6.81, and 6.2 for
//! accessibility), listed once. The list makes the `information_report.sections` mapping
//! of school.yaml (and so its JSON Schema), the checked list the `information-report` rule
//! and `sen report information` walk, and the prompts `sen init` writes above each key.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::yaml::Text;

/// A statutory section of the SEN information report.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The key under `information_report.sections`.
    pub key: &'static str,
    /// The heading it is published under.
    pub title: &'static str,
    /// The paragraph of the Code that asks for it.
    pub paragraph: &'static str,
    /// What it should say: the comment `sen init` writes above the key.
    pub prompt: &'static str,
}

macro_rules! sections {
    ($($key:ident, $para:literal, $title:literal, $prompt:literal;)*) => {
        /// The sections of the SEN information report. Each is required by 6.79-6.81 (and
        /// 6.2); a missing or blank one is an `information-report` finding.
        #[derive(Debug, Default, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct RawSections {
            $(
                #[doc = $title]
                pub $key: Option<Text>,
            )*
        }

        impl RawSections {
            /// Each section's text as written, in the order of [`SECTIONS`].
            pub fn in_order(&self) -> [Option<&Text>; SECTIONS.len()] {
                [$(self.$key.as_ref()),*]
            }
        }

        /// The sections the report must hold, in the order of 6.79.
        pub const SECTIONS: [Section; [$(stringify!($key)),*].len()] = [
            $(Section { key: stringify!($key), title: $title, paragraph: $para, prompt: $prompt },)*
        ];
    };
}

sections! {
    kinds_of_sen, "6.79",
        "The kinds of special educational needs we provide for",
        "Which kinds of special educational needs the school provides for.";
    identification_and_assessment, "6.79",
        "How we identify and assess special educational needs",
        "How the school identifies pupils with SEN and assesses their needs, and the SENCO's name and contact details.";
    consulting_parents, "6.79",
        "Working with parents",
        "How the school consults parents of pupils with SEN and involves them in their child's education.";
    consulting_pupils, "6.79",
        "Involving pupils in their education",
        "How the school consults pupils with SEN and involves them in their own education.";
    assessing_and_reviewing_progress, "6.79",
        "How we assess and review progress",
        "How progress towards outcomes is assessed and reviewed, and how parents and pupils take part in reviews.";
    transitions_and_adulthood, "6.79",
        "Moving between phases and preparing for adulthood",
        "How pupils are supported when they move between phases of education and as they prepare for adulthood.";
    teaching_approach, "6.79",
        "Our approach to teaching pupils with SEN",
        "The school's approach to teaching pupils with SEN.";
    adapting_curriculum_and_environment, "6.79",
        "How we adapt the curriculum and the learning environment",
        "How the curriculum and the learning environment are adapted for pupils with SEN.";
    staff_expertise_and_training, "6.79",
        "Staff expertise and training",
        "The expertise and training of staff supporting pupils with SEN, and how specialist expertise is secured.";
    evaluating_effectiveness, "6.79",
        "How we evaluate the effectiveness of our provision",
        "How the school evaluates the effectiveness of its provision for pupils with SEN.";
    inclusion_in_activities, "6.79",
        "Taking part in all the activities of the school",
        "How pupils with SEN take part in all the school's activities, alongside pupils without SEN.";
    emotional_and_social_development, "6.79",
        "Supporting emotional and social development",
        "How pupils with SEN are supported in their emotional and social development, including pastoral support and preventing bullying.";
    working_with_other_bodies, "6.79",
        "Working with other services and organisations",
        "How the school works with health and social care, local authority support services and voluntary organisations to meet pupils' needs and support their families.";
    complaints, "6.79",
        "Concerns and complaints",
        "How parents can raise a concern or complaint about the SEN provision at the school.";
    looked_after_children, "6.80",
        "Looked after children with SEN",
        "How the school supports looked after children with SEN, working with the designated teacher (6.80).";
    accessibility_and_admissions, "6.2",
        "Admissions and accessibility for disabled pupils",
        "How disabled pupils are admitted, how they are treated fairly, and the school's accessibility plan (6.2).";
}
