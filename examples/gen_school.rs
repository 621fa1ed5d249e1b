//! Generates the records of an invented school, for benchmarks and for trying `sen` by hand.
//!
//! ```text
//! cargo run --release --example gen_school -- --pupils 1000 --seed 7 --as-of 2026-11-23 --out out/school
//! ```
//!
//! The tree follows shared/spec/records.md and passes every validity rule of rules.md
//! (`yaml`, `schema`, `upn`, `dates`), while giving every duty rule something to find: a
//! realistic all-through school where about three quarters of the pupils on the list have SEN
//! support (K), a sixth have an EHC plan (E) and the rest came off the register (N) or left.
//! Each pupil has one to four assess-plan-do-review cycles, termly meetings with parents and,
//! with a plan, annual reviews, with the usual slips: reviews overdue or falling due around
//! as-of, records of meetings never shared, late notifications and notices, reports and LA
//! decisions still outstanding. Nothing that has happened is dated after as-of; only planned
//! dates (a plan's `review_due`, a scheduled annual review) lie beyond it.
//!
//! The output is a pure function of the arguments: names, ids and UPNs come from one seeded
//! stream in pupil order, and each pupil's files from a stream of its own, so the tree is
//! byte-identical for the same arguments whatever the number of threads writing it.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Months, NaiveDate, TimeDelta, Weekday};
use clap::Parser;

/// Write the records of an invented school (school.yaml and pupils/) into a new folder.
#[derive(Parser)]
struct Args {
    /// How many pupils to invent.
    #[arg(long, default_value_t = 300)]
    pupils: usize,
    /// Seed of the random streams: the same arguments give the same tree.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The day the records stand at (YYYY-MM-DD).
    #[arg(long)]
    as_of: NaiveDate,
    /// The records root to create; it must not exist or be empty.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> Result<()> {
    let args = Args::parse();
    generate(args.pupils, args.seed, args.as_of, &args.out)
}

/// Write the invented school of `pupils` pupils into `out` (new or empty). Also used by the
/// golden-output test (tests/it/golden.rs), which includes this file as a module.
pub fn generate(pupils: usize, seed: u64, as_of: NaiveDate, out: &Path) -> Result<()> {
    let school = School::new(seed, as_of);
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty: give a new folder", out.display());
    }
    fs::create_dir_all(out.join("pupils"))
        .with_context(|| format!("creating {}", out.display()))?;
    fs::write(out.join("school.yaml"), school.render())?;
    fs::write(out.join(".gitignore"), "out/\n")?;

    let identities = identities(seed, pupils, &school);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (school, identities) = (&school, &identities);
                scope.spawn(move || -> Result<()> {
                    for (i, who) in identities.iter().enumerate().skip(t).step_by(threads) {
                        let mut rng = Rng::stream(seed, i as u64 + 1);
                        let files = Pupil::invent(school, who, &mut rng).render(school);
                        write_pupil(out, &who.id, &files)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().expect("writer thread panicked"))
    })
}

fn write_pupil(root: &Path, id: &str, files: &[(String, String)]) -> Result<()> {
    let dir = root.join("pupils").join(id);
    fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut made: Vec<&str> = Vec::new();
    for (name, text) in files {
        if let Some((sub, _)) = name.split_once('/')
            && !made.contains(&sub)
        {
            fs::create_dir(dir.join(sub))?;
            made.push(sub);
        }
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Randomness and dates

/// splitmix64: tiny, fast and good enough for invented records.
struct Rng(u64);

impl Rng {
    fn stream(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given relative weights.
    fn odds(&mut self, weights: &[u32]) -> usize {
        let mut roll = self.below(u64::from(weights.iter().sum::<u32>())) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if roll < w {
                return i;
            }
            roll -= w;
        }
        unreachable!("the roll is below the sum of the weights")
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let weights: Vec<u32> = items.iter().map(|&(_, w)| w).collect();
        items[self.odds(&weights)].0
    }

    /// A weekday in `from..=to` (or `to` itself when the span has none).
    fn school_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let d = weekday_back(add_days(from, self.range(0, (to - from).num_days())));
        if d < from {
            weekday_fwd(from).min(to)
        } else {
            d
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real calendar day")
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + TimeDelta::days(n)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).expect("date in range")
}

fn weekday_back(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => add_days(d, -1),
        Weekday::Sun => add_days(d, -2),
        _ => d,
    }
}

fn weekday_fwd(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => add_days(d, 2),
        Weekday::Sun => add_days(d, 1),
        _ => d,
    }
}

/// The calendar year in which the academic year (1 September to 31 August) holding `d` began.
fn academic_year(d: NaiveDate) -> i32 {
    if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// Whole years since `dob`; chrono's month arithmetic puts a 29 February birthday on 28 February.
fn age_on(dob: NaiveDate, d: NaiveDate) -> i32 {
    let years = d.year() - dob.year();
    if years > 0 && add_months(dob, 12 * years as u32) > d {
        years - 1
    } else {
        years
    }
}

/// Writes a date as ISO `YYYY-MM-DD` without going through chrono's format parser.
struct Iso(NaiveDate);

impl fmt::Display for Iso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists

#[rustfmt::skip]
const GIVEN: &[&str] = &[
    "Amara", "Oliver", "Aisha", "Noah", "Zoë", "Muhammad", "Isla", "Leo", "Freya", "Jacob",
    "Maya", "Harry", "Ava", "Theo", "Ruby", "Kacper", "Lily", "Ibrahim", "Grace", "Arlo",
    "Chloé", "Yusuf", "Poppy", "Oscar", "Hana", "Alfie", "Esme", "Kofi", "Evie", "Finley",
    "Sofia", "Reuben", "Niamh", "Dylan", "Priya", "Tomasz", "Layla", "Ethan", "Mia", "Jayden",
    "Fatima", "Riley", "Ellie", "Samuel", "Zara", "Archie", "Nadia", "Callum", "Ivy", "Dev",
    "Jude", "Imogen", "Bilal", "Rosie", "Kai", "Aria", "Logan", "Maryam", "Toby", "Ada",
];

#[rustfmt::skip]
const FAMILY: &[&str] = &[
    "Okafor", "Smith", "Khan", "Jones", "O'Neill", "Nowak", "Taylor", "Begum", "Williams",
    "Brown", "Ahmed", "Davies", "Evans", "Patel", "Wilson", "Thomas", "Hussain", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Martin", "Jackson", "Clarke", "Mensah", "Kowalski", "Ali", "Murphy",
    "McCarthy", "Lewis", "Campbell", "Kelly", "Shah", "Bennett", "Smith-Jones", "Adeyemi",
    "Novak", "Popescu", "Ward", "Turner", "Hill", "Cooper", "Mahmood", "Doyle", "Iqbal", "Reid",
    "Osei", "Lindqvist", "Byrne", "Chowdhury", "Fraser", "Nguyen",
];

const PREFERRED: &[&str] = &["Amy", "Ollie", "Sam", "Izzy", "Max", "Mo", "Jay", "Bea"];

#[rustfmt::skip]
const ADULT_WOMEN: &[&str] = &[
    "Grace", "Sarah", "Joanna", "Shazia", "Agnieszka", "Emma", "Funmi", "Claire", "Nasreen",
    "Rachel", "Kerry", "Ioana", "Laura", "Amina", "Gemma",
];

#[rustfmt::skip]
const ADULT_MEN: &[&str] = &[
    "David", "Piotr", "Imran", "James", "Kwame", "Mark", "Tariq", "Andrei", "Paul", "Chinedu",
    "Steven", "Hamza", "Gareth", "Luke",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "Elm Road", "Church Street", "Victoria Avenue", "Mill Lane", "Park Drive", "Chapel Street",
    "Station Road", "Beech Grove", "Oxford Road", "Cedar Close",
];

#[rustfmt::skip]
const STAFF: &[&str] = &[
    "Mr Tom Hale", "Miss Jade Rowe", "Mrs Anita Desai", "Mr Owen Pryce", "Ms Carla Benton",
    "Mrs Helen Ashworth", "Mr Sunil Varma", "Miss Beth Kirby", "Mr Dan Okoro", "Mrs Ruth Lowe",
];

const SENCO: &str = "Ms Priya Shah";

/// Local authorities with their DfE numbers, which UPNs begin with.
#[rustfmt::skip]
const AUTHORITIES: &[(&str, u32)] = &[
    ("Salford", 355), ("Trafford", 358), ("Stockport", 356), ("Bolton", 350), ("Wigan", 359),
];

#[rustfmt::skip]
const SCHOOL_NAMES: &[&str] = &[
    "Oakfield", "Riverside", "Hollins Park", "St Aidan's", "Greenbank", "Moorside",
];

#[derive(Clone, Copy, PartialEq)]
enum Area {
    Communication,
    Cognition,
    Semh,
    Sensory,
}

impl Area {
    fn id(self) -> &'static str {
        match self {
            Area::Communication => "communication-and-interaction",
            Area::Cognition => "cognition-and-learning",
            Area::Semh => "social-emotional-mental-health",
            Area::Sensory => "sensory-physical",
        }
    }
}

/// School Census SEN type codes with their broad area of need (none for DS, OTH and NSA), what
/// a SENCO might write about the need (`{n}` is the pupil's name), and how common each is as
/// the primary need with SEN support and with an EHC plan.
#[rustfmt::skip]
const NEEDS: &[(&str, Option<Area>, &str, u32, u32)] = &[
    ("SPLD", Some(Area::Cognition), "{n} has a specific learning difficulty affecting reading and spelling. Decoding is slow and effortful, and written work does not yet show what {n} knows and understands.", 13, 4),
    ("MLD", Some(Area::Cognition), "{n} finds new learning hard to retain across the curriculum and is working well below age-related expectations in reading, writing and number.", 19, 9),
    ("SLD", Some(Area::Cognition), "{n} has severe learning difficulties and needs adult support for most learning, for communication and for personal care.", 1, 11),
    ("PMLD", Some(Area::Cognition), "{n} has profound and multiple learning difficulties with complex medical needs, and communicates through sounds, expressions and objects of reference.", 0, 3),
    ("SEMH", Some(Area::Semh), "{n} finds it hard to manage strong feelings in class, particularly at transitions and unstructured times, and has become anxious about coming to school.", 20, 14),
    ("SLCN", Some(Area::Communication), "{n} has difficulty understanding longer instructions and a limited expressive vocabulary; speech is not always intelligible to unfamiliar adults.", 24, 15),
    ("HI", Some(Area::Sensory), "{n} has a moderate bilateral hearing loss and wears hearing aids; a radio aid is used in lessons and seating is planned.", 2, 2),
    ("VI", Some(Area::Sensory), "{n} has a vision impairment and needs enlarged, high-contrast materials and time to access displays and practical work.", 1, 1),
    ("MSI", Some(Area::Sensory), "{n} has a combined hearing and vision impairment and relies on tactile signing and a consistent adult.", 0, 1),
    ("PD", Some(Area::Sensory), "{n} has cerebral palsy affecting mobility and fine motor control, and uses a walking frame and a laptop for extended writing.", 2, 4),
    ("ASD", Some(Area::Communication), "{n} has a diagnosis of autism. Changes to routine and noisy spaces cause great distress, and social communication with peers is difficult.", 9, 30),
    ("DS", None, "{n} has Down syndrome, with delayed speech and language, a mild hearing loss and learning well below age-related expectations.", 1, 3),
    ("OTH", None, "{n} has a rare genetic condition affecting stamina, attention and learning, and misses lessons for hospital appointments.", 3, 3),
    // NSA is for SEN support only, and never a secondary need: keep it last.
    ("NSA", None, "{n} is making much slower progress than peers despite well-targeted teaching; the nature of the need is not yet clear.", 5, 0),
];

const NSA: usize = NEEDS.len() - 1;

/// Outcome ids with the words of an outcome and how it is measured.
#[rustfmt::skip]
const OUTCOMES: &[(Area, &str, &str, &str)] = &[
    (Area::Cognition, "reading", "Reads a book at the next colour band aloud at 60 words a minute", "Timed reading, fortnightly"),
    (Area::Cognition, "phonics", "Blends and segments words with the phase 5 sounds", "Phonics tracker, half-termly"),
    (Area::Cognition, "spelling", "Spells the year group's common exception words in independent writing", "Spelling check, weekly"),
    (Area::Cognition, "number", "Recalls number bonds to 20 and uses them to add and subtract", "Precision teaching probe, weekly"),
    (Area::Cognition, "times-tables", "Recalls the 2, 5 and 10 times tables within 5 seconds", "Times tables check, weekly"),
    (Area::Cognition, "writing", "Writes three linked sentences with capital letters and full stops", "Work sample, half-termly"),
    (Area::Communication, "vocabulary", "Uses ten new topic words correctly in speech and writing", "Word map, each topic"),
    (Area::Communication, "instructions", "Follows a two-part instruction in class without a prompt", "Observation by the class teacher"),
    (Area::Communication, "talk", "Takes part in a small-group discussion, taking three turns", "Talk Boost tracker"),
    (Area::Communication, "social", "Plays a structured game with two peers at lunchtime", "Lunchtime supervisor log"),
    (Area::Communication, "transitions", "Moves between lessons using a visual timetable without distress", "Incident log and observation"),
    (Area::Semh, "regulation", "Names the feeling and uses a calming strategy before leaving the room", "Zones check-ins, daily"),
    (Area::Semh, "friendships", "Names two friends and plays with them at break without adult help", "Pupil voice and observation"),
    (Area::Semh, "attendance", "Attends at least 95 per cent of sessions", "Attendance register"),
    (Area::Semh, "anxiety", "Comes into class in the morning with a greeting from a key adult", "Key adult log"),
    (Area::Sensory, "fine-motor", "Forms letters of a consistent size on the line", "Handwriting sample, half-termly"),
    (Area::Sensory, "mobility", "Moves around the school site independently and safely", "Physiotherapy programme record"),
    (Area::Sensory, "access", "Asks for materials to be adapted when needed", "Observation by the specialist teacher"),
    (Area::Sensory, "typing", "Types 15 words a minute for extended writing", "Touch-typing program record"),
];

/// The provision catalogue in school.yaml: id, name, area, staff, group size, sessions a week,
/// minutes a session, cost an hour in pence.
type Offer = (
    &'static str,
    &'static str,
    Area,
    &'static str,
    u32,
    u32,
    u32,
    u32,
);

#[rustfmt::skip]
const CATALOGUE: &[Offer] = &[
    ("lexia", "Lexia reading programme", Area::Cognition, "teaching assistant", 1, 3, 20, 1850),
    ("precision-teaching", "Precision teaching", Area::Cognition, "teaching assistant", 1, 5, 10, 1850),
    ("phonics-catch-up", "Phonics catch-up group", Area::Cognition, "teaching assistant", 3, 4, 20, 1850),
    ("numicon", "Numicon intervention", Area::Cognition, "teaching assistant", 4, 3, 30, 1850),
    ("reading-recovery", "Reading Recovery", Area::Cognition, "specialist teacher", 1, 5, 30, 3200),
    ("toe-by-toe", "Toe by Toe", Area::Cognition, "teaching assistant", 1, 4, 15, 1850),
    ("speech-link", "Speech and language programme", Area::Communication, "teaching assistant", 1, 3, 20, 1850),
    ("talk-boost", "Talk Boost group", Area::Communication, "teaching assistant", 4, 3, 30, 1850),
    ("lego-therapy", "LEGO-based therapy", Area::Communication, "teaching assistant", 3, 1, 45, 1850),
    ("social-stories", "Social stories", Area::Communication, "class teacher", 1, 2, 10, 3400),
    ("salt-sessions", "Speech and language therapy", Area::Communication, "speech and language therapist", 1, 1, 30, 5500),
    ("elsa", "ELSA sessions", Area::Semh, "emotional literacy support assistant", 1, 1, 45, 1900),
    ("nurture-group", "Nurture group", Area::Semh, "teaching assistant", 6, 5, 60, 1850),
    ("zones-of-regulation", "Zones of Regulation group", Area::Semh, "teaching assistant", 4, 1, 30, 1850),
    ("lunch-club", "Lunchtime club", Area::Semh, "lunchtime supervisor", 8, 5, 30, 1300),
    ("mentoring", "Learning mentor sessions", Area::Semh, "learning mentor", 1, 1, 30, 2100),
    ("counselling", "School counsellor", Area::Semh, "counsellor", 1, 1, 50, 4000),
    ("fine-motor-group", "Fine motor skills group", Area::Sensory, "teaching assistant", 4, 3, 20, 1850),
    ("physio-programme", "Physiotherapy programme", Area::Sensory, "teaching assistant", 1, 3, 20, 1850),
    ("sensory-circuit", "Sensory circuit", Area::Sensory, "teaching assistant", 6, 5, 15, 1850),
    ("teacher-of-deaf", "Teacher of the deaf visit", Area::Sensory, "teacher of the deaf", 1, 1, 60, 4500),
    ("touch-typing", "Touch-typing programme", Area::Sensory, "teaching assistant", 2, 2, 20, 1850),
];

/// Provision written in place rather than taken from the catalogue: name, staff, group size,
/// sessions a week, minutes a session, cost an hour in pence, and sometimes an area.
type InPlace = (&'static str, &'static str, u32, u32, u32, u32, Option<Area>);

#[rustfmt::skip]
const IN_PLACE: &[InPlace] = &[
    ("Pre-teaching vocabulary", "class teacher", 4, 2, 15, 0, Some(Area::Communication)),
    ("Movement breaks", "teaching assistant", 1, 5, 5, 1850, Some(Area::Semh)),
    ("Laptop for extended writing", "teaching assistant", 1, 5, 10, 1850, None),
    ("Check-in with key adult", "learning mentor", 1, 5, 10, 2100, Some(Area::Semh)),
    ("Coloured overlays and reading ruler", "class teacher", 1, 5, 5, 0, Some(Area::Cognition)),
    ("Home-school reading diary", "class teacher", 1, 1, 10, 0, None),
];

#[rustfmt::skip]
const SPECIALISTS: &[(&str, &str)] = &[
    ("educational psychologist", "Working memory is a relative weakness; chunk instructions and give visual prompts."),
    ("speech and language therapist", "Receptive language is about two years behind; pre-teach vocabulary and check understanding."),
    ("occupational therapist", "Sensory seeking at transitions; offer a movement break before desk work."),
    ("specialist teacher (SpLD)", "Profile consistent with dyslexia; structured multisensory phonics daily."),
    ("CAMHS practitioner", "Anxiety is the main barrier; a key adult and a predictable start to the day."),
    ("teacher of the deaf", "Check hearing aids daily and use the radio aid in every lesson."),
    ("paediatrician", "No medical cause found for the difficulties; continue with the current plan."),
];

/// A cycle review's `progress`, and its chances for a pupil thriving, steady, slow or stuck.
const PROGRESS: [&str; 4] = ["good", "expected", "less-than-expected", "little-or-none"];
const PROGRESS_ODDS: [[u32; 4]; 4] = [
    [50, 40, 10, 0],
    [15, 60, 20, 5],
    [5, 25, 50, 20],
    [0, 5, 20, 75],
];

/// An outcome's score, and its chances for each `progress` judgement.
const SCORES: [&str; 3] = ["achieved", "partly", "not-achieved"];
const SCORE_ODDS: [[u32; 3]; 4] = [[70, 30, 0], [40, 50, 10], [10, 50, 40], [0, 30, 70]];

#[rustfmt::skip]
const PUPIL_VIEWS: &[&str] = &[
    "{n} said reading with an adult helps, but the group room is noisy.",
    "{n} likes the sessions and wants to keep going with them.",
    "{n} said maths is hard when there is a lot of writing on the board.",
    "{n} said break times are better now and has a friend to play with.",
    "{n} did not want to talk about school today and drew a picture instead.",
    "{n} said the timer helps and likes ticking off the jobs.",
];

#[rustfmt::skip]
const PARENT_VIEWS: &[&str] = &[
    "Parents see more confidence at home and are reading with {n} each night.",
    "Mum is worried that {n} is falling further behind and asked about an assessment.",
    "Dad said mornings are still very hard and {n} often refuses to come in.",
    "Parents are pleased with progress and want the same support to continue.",
    "Parents asked for the homework to be adapted.",
];

#[rustfmt::skip]
const MEETING_PURPOSES: &[&str] = &[
    "termly SEN support meeting", "review of progress with parents", "concerns raised by parents",
    "multi-agency meeting", "transition planning", "meeting with the educational psychologist",
];

#[rustfmt::skip]
const MEETING_NOTES: &[&str] = &[
    "Discussed progress since the last meeting. {n} is using the strategies in class and is more settled in the mornings.",
    "Parents raised worries about homework and friendships. The class teacher shared work samples showing steady progress in writing.",
    "The specialist's advice was talked through and the plan adjusted. Parents would like more updates by email.",
    "Attendance has dipped this half term. Agreed to look at what makes mornings hard and to try a soft start.",
];

#[rustfmt::skip]
const MEETING_AGREED: &[&str] = &[
    "Continue the current provision; class teacher to email a weekly update.",
    "Add a daily check-in with a key adult; review at the next meeting.",
    "SENCO to request advice from the educational psychologist.",
    "Parents to practise the reading cards at home three times a week.",
];

#[rustfmt::skip]
const ADULTHOOD: &[&str] = &[
    "Talked about options after Year 11: {n} is interested in a college course in animal care, with travel training to get there independently.",
    "Preparing for adulthood: work experience with support, managing money for the bus and the canteen, and which friends {n} wants to keep.",
    "{n} wants to go on to the sixth form; independent living skills (cooking and travel) added to the outcomes.",
];

#[rustfmt::skip]
const REPORT_SECTIONS: &[(&str, &str)] = &[
    ("kinds_of_sen", "{school} is an inclusive all-through school. We support pupils with needs in all four broad areas: communication and interaction, cognition and learning, social, emotional and mental health, and sensory and physical needs."),
    ("identification_and_assessment", "Class teachers track progress each half term. Where a pupil makes less than expected progress despite high-quality teaching, the teacher and SENCO assess the pupil's needs with the parents and, where helpful, outside specialists."),
    ("consulting_parents", "Parents are invited to a meeting each term and to every review of their child's support plan. We share a written record of each meeting within two weeks."),
    ("consulting_pupils", "Pupils give their views before every review, in words, pictures or with a trusted adult, and take part in the meeting when they wish."),
    ("assessing_and_reviewing_progress", "Support follows a graduated approach: assess, plan, do, review, usually over a term. Outcomes are measured and reviewed with parents and the pupil."),
    ("transitions_and_adulthood", "We plan moves between key stages and to college early, with extra visits and a transition book. From Year 9 reviews look ahead to adulthood."),
    ("teaching_approach", "High-quality teaching adapted for individuals is the first step, with targeted small-group and one-to-one interventions where needed."),
    ("adapting_curriculum_and_environment", "We adapt resources, seating, lighting and routines, and provide quiet spaces and visual timetables."),
    ("staff_expertise_and_training", "The SENCO holds the National Award. Teaching assistants are trained in the interventions they deliver; all staff have annual training on autism and on speech and language needs."),
    ("evaluating_effectiveness", "We evaluate each intervention by the progress pupils make against their outcomes and report to governors each year."),
    ("inclusion_in_activities", "All clubs, trips and residentials are open to every pupil, with reasonable adjustments planned with parents."),
    ("emotional_and_social_development", "Pupils can see an ELSA, a learning mentor or the school counsellor. Our anti-bullying work is led by the school council."),
    ("working_with_other_bodies", "We work with the educational psychology service, speech and language therapy, CAMHS, the school nurse and social care."),
    ("complaints", "Please talk to the class teacher or SENCO first. If you are still unhappy, our complaints procedure is on the website."),
    ("looked_after_children", "The designated teacher for looked after children works with the SENCO so that each child's personal education plan and SEN support fit together."),
    ("accessibility_and_admissions", "Pupils with disabilities are admitted on the same terms as others. Our accessibility plan describes how we are improving physical access, the curriculum and information."),
];

// ---------------------------------------------------------------------------------------------
// The school

struct Term {
    name: &'static str,
    start: NaiveDate,
    end: NaiveDate,
}

struct School {
    as_of: NaiveDate,
    /// The calendar year in which as-of's academic year began.
    year: i32,
    name: String,
    authority: (&'static str, u32),
    /// This academic year's and last year's.
    terms: Vec<Term>,
}

impl School {
    fn new(seed: u64, as_of: NaiveDate) -> School {
        let mut rng = Rng::stream(seed, u64::MAX);
        let year = academic_year(as_of);
        let kind = rng.pick(&["Academy", "All-Through School", "Community School"]);
        let name = format!("{} {kind}", rng.pick(SCHOOL_NAMES));
        let terms = [year - 1, year]
            .into_iter()
            .flat_map(|y| {
                [
                    ("Autumn", ymd(y, 9, 3), ymd(y, 12, 19)),
                    ("Spring", ymd(y + 1, 1, 5), ymd(y + 1, 3, 27)),
                    ("Summer", ymd(y + 1, 4, 12), ymd(y + 1, 7, 21)),
                ]
            })
            .map(|(name, start, end)| Term {
                name,
                start: weekday_fwd(start),
                end: weekday_back(end),
            })
            .collect();
        School {
            as_of,
            year,
            name,
            authority: rng.pick(AUTHORITIES),
            terms,
        }
    }

    fn render(&self) -> String {
        let mut d = Doc::default();
        let la = self.authority.0;
        let host = slug(&self.name);
        d.raw("school:\n");
        d.text("  ", "name", &self.name);
        d.text("  ", "urn", "137214");
        d.text("  ", "local_authority", la);
        d.raw("  phase: all-through\n");
        d.raw(&format!(
            "  address: [\"1 School Lane\", \"{la}\", \"M6 8AB\"]\n"
        ));
        d.text("  ", "phone", "0161 000 0000");
        d.text("  ", "website", &format!("https://{host}.example.org"));
        d.raw("senco:\n");
        d.text("  ", "name", SENCO);
        d.text("  ", "email", &format!("senco@{host}.example.org"));
        d.text("  ", "phone", "0161 000 0001");
        d.raw("  qualified_teacher: true\n");
        // New to the role and without the National Award, which falls due ten days on.
        let appointed = self.as_of - Months::new(36) + TimeDelta::days(10);
        d.date("  ", "appointed", appointed);
        d.raw("  previously_senco_months: 0\n  national_award: null\n");
        d.text(
            "",
            "local_offer",
            &format!("https://www.{}.gov.uk/local-offer", slug(la)),
        );
        d.raw("iass:\n");
        d.text("  ", "name", &format!("{la} SENDIASS"));
        d.text("  ", "phone", "0161 000 0002");
        d.text(
            "  ",
            "website",
            &format!("https://www.{}sendiass.example.org", slug(la)),
        );
        d.raw("terms:\n");
        for t in &self.terms {
            let _ = writeln!(
                d.0,
                "  - {{ name: {}, start: {}, end: {} }}",
                t.name,
                Iso(t.start),
                Iso(t.end)
            );
        }
        d.raw(concat!(
            "settings:\n",
            "  due_within_days: 14\n",
            "  new_cycle_within_days: 28\n",
            "  share_record_within_days: 14\n",
            "  transfer_years: [6, 11]\n",
            "  suppress_below: 5\n",
            "provisions:\n",
        ));
        for &(id, name, area, staff, group, sessions, minutes, pence) in CATALOGUE {
            d.text("  - ", "id", id);
            d.text("    ", "name", name);
            d.text("    ", "area", area.id());
            d.text("    ", "staff", staff);
            d.costing("    ", group, sessions, minutes, pence);
        }
        d.raw("information_report:\n");
        d.date("  ", "published", add_days(self.as_of, -130));
        d.raw("  sections:\n");
        for (key, text) in REPORT_SECTIONS {
            d.block("    ", key, &text.replace("{school}", &self.name));
        }
        d.0
    }

    /// The deadline of the phase-transfer review for an NC year (rules.md `phase-transfer`).
    fn transfer_deadline(&self, nc: i32) -> NaiveDate {
        if nc == 11 {
            ymd(self.year + 1, 3, 31)
        } else {
            ymd(self.year + 1, 2, 15)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Who the pupils are

struct Identity {
    id: String,
    given: &'static str,
    family: &'static str,
    dob: NaiveDate,
    /// Set for a pupil taught out of their age group.
    year_group: Option<i32>,
    upn: Option<String>,
}

impl Identity {
    /// The NC year on `d` (rules.md, NC year).
    fn nc_year(&self, school: &School, d: NaiveDate) -> i32 {
        match self.year_group {
            Some(y) => y + academic_year(d) - school.year,
            None => academic_year(d) - academic_year(self.dob) - 5,
        }
    }
}

/// Names, dates of birth, ids and UPNs, in pupil order from one stream, so that the suffixes
/// that keep ids unique and the UPNs do not depend on how pupils are spread over threads.
fn identities(seed: u64, n: usize, school: &School) -> Vec<Identity> {
    let mut rng = Rng::stream(seed, 0);
    let mut ids = HashSet::with_capacity(n);
    let mut upns = HashSet::with_capacity(n);
    (0..n)
        .map(|_| {
            let given = rng.pick(GIVEN);
            let family = rng.pick(FAMILY);
            let base = slug(&format!("{given} {family}"));
            let id = (1..)
                .map(|k| {
                    if k == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{k}")
                    }
                })
                .find(|id| ids.insert(id.clone()))
                .expect("some suffix is free");
            // Sixth-form years are smaller.
            let nc = if rng.percent(8) {
                rng.range(12, 13)
            } else {
                rng.range(0, 11)
            } as i32;
            // Born in the academic year that makes NC year = A - C - 4 come to `nc`.
            let c = school.year - nc - 4;
            let (first, last) = (ymd(c - 1, 9, 1), ymd(c, 8, 31));
            let dob = add_days(first, rng.range(0, (last - first).num_days()));
            let year_group = (nc > 0 && rng.percent(3)).then_some(nc - 1);
            let upn = (!rng.percent(2)).then(|| {
                loop {
                    let upn = invent_upn(&mut rng, school, c + 4);
                    if upns.insert(upn.clone()) {
                        break upn;
                    }
                }
            });
            Identity {
                id,
                given,
                family,
                dob,
                year_group,
                upn,
            }
        })
        .collect()
}

const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A UPN: check letter, LA number, establishment number, two-digit year of allocation and a
/// serial; a temporary UPN ends in a letter (records.md).
fn invent_upn(rng: &mut Rng, school: &School, allocated: i32) -> String {
    // Most pupils had their UPN allocated here; some arrived from another school or LA.
    let (la, estab) = if rng.percent(70) {
        (school.authority.1, 4012)
    } else {
        (rng.pick(AUTHORITIES).1, rng.range(2001, 2399) as u32)
    };
    let yy = allocated.rem_euclid(100);
    let mut body = format!("{la:03}{estab:04}{yy:02}{:03}", rng.below(1000));
    if rng.percent(1) {
        body.pop();
        body.push(char::from(rng.pick(UPN_LETTERS)));
    }
    format!("{}{body}", upn_check_letter(&body))
}

fn upn_check_letter(body: &str) -> char {
    let sum: usize = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let value = if b.is_ascii_digit() {
                usize::from(b - b'0')
            } else {
                UPN_LETTERS
                    .iter()
                    .position(|&l| l == b)
                    .expect("a UPN letter")
            };
            value * (i + 2)
        })
        .sum();
    char::from(UPN_LETTERS[sum % 23])
}

/// Lowercase ASCII letters and digits in groups joined by single '-', as pupil ids must be.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ö' | 'ó' | 'ô' => 'o',
            'á' | 'à' | 'ä' => 'a',
            'ï' | 'í' => 'i',
            'ü' | 'ú' => 'u',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// What happened to each pupil

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// On the register with SEN support (K).
    Support,
    /// On the register with an EHC plan (E).
    Plan,
    /// Came off the register (N).
    Off,
    /// Left the school while on the register.
    Left,
}

/// How a pupil gets on: thriving, steady, slow or stuck (an index into `PROGRESS_ODDS`).
#[derive(Clone, Copy, PartialEq)]
struct Trajectory(usize);

const STUCK: Trajectory = Trajectory(3);

/// How the most recent cycle stands.
#[derive(Clone, Copy, PartialEq)]
enum Latest {
    OpenPlanned,
    OpenUnplanned,
    Reviewed,
    Exit,
}

/// An optional date as written: a date, `key: null`, or no key at all.
#[derive(Clone, Copy)]
enum Opt {
    Date(NaiveDate),
    Null,
    Absent,
}

struct Plan {
    agreed: NaiveDate,
    with_parents: bool,
    outcomes: Vec<usize>,
    catalogue: Vec<usize>,
    in_place: Option<usize>,
    review_due: NaiveDate,
}

struct Review {
    date: NaiveDate,
    parents_present: bool,
    pupil_views: bool,
    parent_views: bool,
    scores: Vec<(usize, &'static str)>,
    progress: &'static str,
    next: &'static str,
    shared: Opt,
}

struct Cycle {
    started: NaiveDate,
    assess: bool,
    specialists: Vec<(usize, NaiveDate)>,
    plan: Option<Plan>,
    review: Option<Review>,
    /// A few schools name files `.yml`.
    yml: bool,
}

struct Meeting {
    date: NaiveDate,
    parents_present: bool,
    pupil_present: bool,
    led_by: &'static str,
    purpose: &'static str,
    notes: &'static str,
    agreed: &'static str,
    shared: Opt,
}

struct Assessment {
    requested: NaiveDate,
    decision: Option<(NaiveDate, &'static str)>,
    draft: Option<NaiveDate>,
    final_plan: Option<NaiveDate>,
}

/// ehcp.yaml: a request for an assessment, the plan's issue date, or both.
struct Ehcp {
    assessment: Option<Assessment>,
    issued: Option<NaiveDate>,
}

struct AnnualReview {
    meeting: NaiveDate,
    held: bool,
    invitations: Opt,
    parents_present: bool,
    pupil_views: bool,
    adulthood: Option<&'static str>,
    report_sent: Opt,
    la_decision: Opt,
    la_outcome: Option<&'static str>,
}

struct Contact {
    name: String,
    relationship: &'static str,
    responsibility: bool,
    email: Option<String>,
    address: Option<[String; 3]>,
    language: Option<&'static str>,
    letters: Option<bool>,
}

struct Pupil<'a> {
    who: &'a Identity,
    preferred: Option<&'static str>,
    class: Option<String>,
    status: &'static str,
    since: NaiveDate,
    notified: Opt,
    primary: Option<usize>,
    secondary: Option<usize>,
    ended: Option<NaiveDate>,
    strengths: bool,
    flags: [bool; 4],
    contacts: Vec<Contact>,
    left: Option<NaiveDate>,
    cycles: Vec<Cycle>,
    meetings: Vec<Meeting>,
    ehcp: Option<Ehcp>,
    reviews: Vec<AnnualReview>,
    /// Writes empty optional dates as `key: null`, as files made by `sen new` have them.
    nulls: bool,
}

impl<'a> Pupil<'a> {
    fn invent(school: &School, who: &'a Identity, rng: &mut Rng) -> Pupil<'a> {
        let as_of = school.as_of;
        let kind = rng.weighted(&[
            (Kind::Support, 750),
            (Kind::Plan, 167),
            (Kind::Off, 43),
            (Kind::Left, 40),
        ]);
        let has_plan = kind == Kind::Plan || (kind == Kind::Left && rng.percent(25));
        let trajectory = Trajectory(rng.odds(match (kind, has_plan) {
            (Kind::Off, _) => &[70, 30, 0, 0],
            (_, true) => &[5, 35, 40, 20],
            _ => &[20, 40, 28, 12],
        }));
        let weights: Vec<u32> = NEEDS
            .iter()
            .map(|n| if has_plan { n.4 } else { n.3 })
            .collect();
        let primary = rng.odds(&weights);
        let secondary = rng
            .percent(35)
            .then(|| rng.below(NSA as u64) as usize)
            .filter(|&s| s != primary);
        let nulls = rng.percent(25);

        // The day the records stop: as-of, the day the pupil left, or for an N pupil the
        // review that ended SEN support.
        let entry = ymd(academic_year(who.dob) + 5, 9, 1);
        let in_school = (as_of - entry).num_days();
        let stop = match kind {
            Kind::Left => weekday_back(add_days(
                as_of,
                -rng.range(7, (in_school - 30).clamp(7, 540)),
            )),
            Kind::Off => weekday_back(add_days(as_of, -rng.range(14, 500).min(in_school.max(14)))),
            _ => as_of,
        };
        let floor = add_days(who.dob, 3 * 365 + 180).max(add_days(as_of, -6 * 365));
        let latest = match kind {
            Kind::Off => Latest::Exit,
            Kind::Left => rng.weighted(&[(Latest::OpenPlanned, 50), (Latest::Reviewed, 50)]),
            _ => rng.weighted(&[
                (Latest::OpenPlanned, 60),
                (Latest::OpenUnplanned, 8),
                (Latest::Reviewed, 27),
                (Latest::Exit, if kind == Kind::Support { 5 } else { 0 }),
            ]),
        };
        let needs = (primary, secondary);
        let mut cycles = invent_cycles(rng, school, (floor, stop), latest, trajectory, needs);
        let first = cycles[0].started;
        let mut since = add_days(first, -rng.range(0, 28))
            .max(add_days(who.dob, 3 * 365))
            .min(first);

        // The EHC plan, or for some K pupils a request for an assessment.
        let mut ehcp = None;
        let mut reviews = Vec::new();
        if has_plan {
            let span = (add_days(stop, -30) - add_days(who.dob, 3 * 365))
                .num_days()
                .max(1);
            let back = if rng.percent(20) {
                rng.range(30, 330)
            } else {
                rng.range(330, 8 * 365)
            };
            let issued = weekday_back(add_days(stop, -back.min(30 + span)));
            let assessment = rng.percent(85).then(|| {
                let requested = weekday_back(add_days(issued, -rng.range(95, 170)));
                let decided = add_days(requested, decision_days(rng));
                let draft = add_days(decided, rng.range(20, 50))
                    .min(add_days(issued, -7))
                    .max(decided);
                Assessment {
                    requested,
                    decision: Some((decided, "assess")),
                    draft: Some(draft),
                    final_plan: Some(issued),
                }
            });
            // On SEN support for a while before the request (or before arriving with a plan).
            let before = assessment.as_ref().map_or(issued, |a| a.requested);
            since = since
                .min(add_days(before, -rng.range(30, 300)))
                .max(add_days(who.dob, 2 * 365))
                .min(before);
            reviews = invent_annual_reviews(rng, school, who, (issued, stop), kind == Kind::Plan);
            ehcp = Some(Ehcp {
                assessment,
                issued: Some(issued),
            });
        } else if kind == Kind::Support && rng.percent(if trajectory == STUCK { 35 } else { 3 }) {
            let last_review = cycles
                .iter()
                .rev()
                .find_map(|c| c.review.as_ref().map(|r| r.date));
            let requested = match last_review {
                Some(r) if (as_of - r).num_days() < 200 => add_days(r, rng.range(0, 21)).min(as_of),
                _ => weekday_back(add_days(as_of, -rng.range(5, 200))),
            }
            .max(since);
            let decided = add_days(requested, decision_days(rng));
            let decision = (decided <= as_of && rng.percent(85))
                .then(|| (decided, if rng.percent(70) { "assess" } else { "refuse" }));
            let draft = decision
                .filter(|&(_, outcome)| outcome == "assess")
                .map(|(d, _)| add_days(d, rng.range(40, 80)))
                .filter(|&d| d <= as_of);
            let assessment = Assessment {
                requested,
                decision,
                draft,
                final_plan: None,
            };
            ehcp = Some(Ehcp {
                assessment: Some(assessment),
                issued: None,
            });
        }
        if let Some(a) = ehcp.as_ref().and_then(|e| e.assessment.as_ref()) {
            // The review that asked for the assessment says so.
            let asked = cycles
                .iter_mut()
                .rev()
                .filter_map(|c| c.review.as_mut())
                .find(|r| r.date <= a.requested);
            if let Some(r) = asked.filter(|r| (a.requested - r.date).num_days() <= 60) {
                r.next = "ehc-request";
            }
        }

        let notified = {
            let recent = (as_of - since).num_days() <= 30;
            let late = rng.percent(6);
            let d = add_days(
                since,
                if late {
                    rng.range(15, 45)
                } else {
                    rng.range(0, 10)
                },
            );
            if rng.percent(if recent { 40 } else { 3 }) || d > as_of {
                opt_null(rng, nulls)
            } else {
                Opt::Date(d)
            }
        };
        let (status, ended, left) = match kind {
            Kind::Support => ("K", None, None),
            Kind::Plan => ("E", None, None),
            Kind::Off => ("N", Some(add_days(stop, rng.range(0, 21)).min(as_of)), None),
            Kind::Left => (if has_plan { "E" } else { "K" }, None, Some(stop)),
        };
        let meetings = invent_meetings(rng, school, (since, ended.unwrap_or(stop)), nulls);
        let eal = rng.percent(15);
        let looked_after = rng.percent(3);
        let contacts = invent_contacts(rng, who.family, eal, looked_after);
        // An N pupil may keep the codes it had, or have them cleared.
        let keeps_need = kind != Kind::Off || rng.percent(80);
        let nc = who.nc_year(school, as_of);
        let class = rng.percent(70).then(|| {
            let form = char::from(b'A' + rng.below(4) as u8);
            if nc == 0 {
                format!("R{form}")
            } else {
                format!("{nc}{form}")
            }
        });
        Pupil {
            who,
            preferred: rng.percent(5).then(|| rng.pick(PREFERRED)),
            class,
            status,
            since,
            notified,
            primary: keeps_need.then_some(primary),
            secondary: secondary.filter(|_| keeps_need),
            ended,
            strengths: rng.percent(60),
            flags: [looked_after, eal, rng.percent(35), rng.percent(6)],
            contacts,
            left,
            cycles,
            meetings,
            ehcp,
            reviews,
            nulls,
        }
    }

    /// The pupil's files: paths relative to the pupil's folder, and their text.
    fn render(&self, school: &School) -> Vec<(String, String)> {
        let mut files =
            Vec::with_capacity(2 + self.cycles.len() + self.meetings.len() + self.reviews.len());
        files.push(("pupil.yaml".to_string(), self.render_pupil()));
        for c in &self.cycles {
            let ext = if c.yml { "yml" } else { "yaml" };
            files.push((
                format!("cycles/{}.{ext}", Iso(c.started)),
                self.render_cycle(c),
            ));
        }
        for m in &self.meetings {
            let mut name = format!("meetings/{}.yaml", Iso(m.date));
            if files.iter().any(|(n, _)| *n == name) {
                name = format!("meetings/{}-2.yaml", Iso(m.date));
            }
            files.push((name, self.render_meeting(m)));
        }
        if let Some(e) = &self.ehcp {
            files.push(("ehcp.yaml".to_string(), render_ehcp(school, e)));
        }
        for r in &self.reviews {
            files.push((
                format!("annual-reviews/{}.yaml", Iso(r.meeting)),
                self.render_review(r),
            ));
        }
        files
    }

    fn say(&self, template: &str) -> String {
        template.replace("{n}", self.preferred.unwrap_or(self.who.given))
    }

    fn render_pupil(&self) -> String {
        let who = self.who;
        let mut d = Doc::default();
        let (given, family) = (flow(who.given), flow(who.family));
        match self.preferred {
            Some(p) => d.raw(&format!(
                "name: {{ given: {given}, family: {family}, preferred: {p} }}\n"
            )),
            None => d.raw(&format!("name: {{ given: {given}, family: {family} }}\n")),
        }
        d.date("", "dob", who.dob);
        if let Some(upn) = &who.upn {
            d.text("", "upn", upn);
        }
        if let Some(y) = who.year_group {
            d.raw(&format!("year_group: {y}\n"));
        }
        if let Some(class) = &self.class {
            d.text("", "class", class);
        }
        d.raw("sen:\n");
        d.raw(&format!("  status: {}\n", self.status));
        d.date("  ", "since", self.since);
        d.opt("  ", "parents_notified", self.notified);
        if let Some(p) = self.primary {
            d.raw(&format!("  primary_need: {}\n", NEEDS[p].0));
        }
        if let Some(s) = self.secondary {
            d.raw(&format!("  secondary_need: {}\n", NEEDS[s].0));
        }
        match self.ended {
            Some(e) => d.date("  ", "ended", e),
            None if self.nulls => d.raw("  ended: null\n"),
            None => {}
        }
        d.block(
            "  ",
            "summary",
            &self.say(NEEDS[self.primary.unwrap_or(NSA)].2),
        );
        if self.strengths {
            let text =
                self.say("{n} is kind, loves drawing and is very good with younger children.");
            d.text("  ", "strengths", &text);
        }
        if self.flags.iter().any(|&f| f) {
            d.raw("flags:\n");
            let keys = ["looked_after", "eal", "pupil_premium", "medical_plan"];
            for (_, key) in self.flags.iter().zip(keys).filter(|(on, _)| **on) {
                d.raw(&format!("  {key}: true\n"));
            }
        }
        d.raw("contacts:\n");
        for c in &self.contacts {
            d.text("  - ", "name", &c.name);
            d.text("    ", "relationship", c.relationship);
            d.raw(&format!(
                "    parental_responsibility: {}\n",
                c.responsibility
            ));
            if let Some(e) = &c.email {
                d.text("    ", "email", e);
            }
            if let Some([a, b, p]) = &c.address {
                d.raw(&format!("    address: [\"{a}\", \"{b}\", \"{p}\"]\n"));
            }
            if let Some(l) = c.language {
                d.text("    ", "language", l);
            }
            if let Some(l) = c.letters {
                d.raw(&format!("    letters: {l}\n"));
            }
        }
        match self.left {
            Some(l) => d.date("", "left", l),
            None if self.nulls => d.raw("left: null\n"),
            None => {}
        }
        d.0
    }

    fn render_cycle(&self, c: &Cycle) -> String {
        let mut d = Doc::default();
        d.date("", "started", c.started);
        if c.assess {
            d.raw("assess:\n");
            d.block(
                "  ",
                "summary",
                &self.say(NEEDS[self.primary.unwrap_or(NSA)].2),
            );
            d.text(
                "  ",
                "pupil_views",
                &self.say(pick_by(PUPIL_VIEWS, c.started)),
            );
            d.text(
                "  ",
                "parent_views",
                &self.say(pick_by(PARENT_VIEWS, c.started)),
            );
            if !c.specialists.is_empty() {
                d.raw("  specialists:\n");
                for &(s, date) in &c.specialists {
                    d.text("    - ", "role", SPECIALISTS[s].0);
                    d.date("      ", "date", date);
                    d.text("      ", "advice", SPECIALISTS[s].1);
                }
            }
        }
        if let Some(p) = &c.plan {
            d.raw("plan:\n");
            d.date("  ", "agreed", p.agreed);
            d.raw(&format!("  agreed_with_parents: {}\n", p.with_parents));
            d.raw("  outcomes:\n");
            for &o in &p.outcomes {
                let (_, id, outcome, measure) = OUTCOMES[o];
                d.text("    - ", "id", id);
                d.text("      ", "outcome", outcome);
                d.text("      ", "measure", measure);
            }
            d.raw("  provision:\n");
            for &i in &p.catalogue {
                d.raw(&format!("    - {{ ref: {} }}\n", CATALOGUE[i].0));
            }
            if let Some(i) = p.in_place {
                let (name, staff, group, sessions, minutes, pence, area) = IN_PLACE[i];
                d.text("    - ", "name", name);
                d.text("      ", "staff", staff);
                d.costing("      ", group, sessions, minutes, pence);
                if let Some(a) = area {
                    d.text("      ", "area", a.id());
                }
            }
            d.date("  ", "review_due", p.review_due);
        }
        if let Some(r) = &c.review {
            d.raw("review:\n");
            d.date("  ", "date", r.date);
            d.raw(&format!("  parents_present: {}\n", r.parents_present));
            if r.pupil_views {
                d.text("  ", "pupil_views", &self.say(pick_by(PUPIL_VIEWS, r.date)));
            }
            if r.parent_views {
                d.text(
                    "  ",
                    "parent_views",
                    &self.say(pick_by(PARENT_VIEWS, r.date)),
                );
            }
            if !r.scores.is_empty() {
                let scores: Vec<String> = r
                    .scores
                    .iter()
                    .map(|&(o, score)| format!("{}: {score}", OUTCOMES[o].1))
                    .collect();
                d.raw(&format!("  outcomes: {{ {} }}\n", scores.join(", ")));
            }
            d.raw(&format!("  progress: {}\n  next: {}\n", r.progress, r.next));
            d.opt("  ", "shared_with_parents", r.shared);
        }
        d.0
    }

    fn render_meeting(&self, m: &Meeting) -> String {
        let mut d = Doc::default();
        d.date("", "date", m.date);
        d.raw(&format!(
            "parents_present: {}\npupil_present: {}\n",
            m.parents_present, m.pupil_present
        ));
        d.text("", "led_by", m.led_by);
        d.text("", "purpose", m.purpose);
        d.block("", "notes", &self.say(m.notes));
        d.text("", "agreed", m.agreed);
        d.opt("", "shared_with_parents", m.shared);
        d.0
    }

    fn render_review(&self, r: &AnnualReview) -> String {
        let mut d = Doc::default();
        d.date("", "meeting", r.meeting);
        d.opt("", "invitations_sent", r.invitations);
        // The advice gathered goes out with the invitations (reg 20(4)): the same day, or
        // not recorded when they are not. No draw from the generator, so every other value
        // of the school stays as it was.
        d.opt("", "advice_circulated", r.invitations);
        if r.held {
            d.raw(&format!("parents_present: {}\n", r.parents_present));
            if r.pupil_views {
                d.text(
                    "",
                    "pupil_views",
                    &self.say(pick_by(PUPIL_VIEWS, r.meeting)),
                );
            }
            if let Some(t) = r.adulthood {
                d.block("", "preparing_for_adulthood", &self.say(t));
            }
            d.opt("", "report_sent", r.report_sent);
            d.opt("", "la_decision", r.la_decision);
            if let Some(o) = r.la_outcome {
                d.raw(&format!("la_outcome: {o}\n"));
            }
        }
        d.0
    }
}

/// Varies the words from one record to the next without spending random numbers on them.
fn pick_by(items: &[&'static str], d: NaiveDate) -> &'static str {
    items[d.num_days_from_ce() as usize % items.len()]
}

fn render_ehcp(school: &School, e: &Ehcp) -> String {
    let mut d = Doc::default();
    d.text("", "local_authority", school.authority.0);
    if let Some(a) = &e.assessment {
        d.raw("assessment:\n");
        d.date("  ", "requested", a.requested);
        if let Some((date, outcome)) = a.decision {
            d.date("  ", "decision", date);
            d.raw(&format!("  decision_outcome: {outcome}\n"));
        }
        if let Some(draft) = a.draft {
            d.date("  ", "draft", draft);
        }
        if let Some(f) = a.final_plan {
            d.date("  ", "final", f);
        }
    }
    if let Some(i) = e.issued {
        d.date("", "issued", i);
    }
    d.0
}

/// Days from a request for an assessment to the LA's decision, usually within the 6 weeks.
fn decision_days(rng: &mut Rng) -> i64 {
    if rng.percent(70) {
        rng.range(28, 42)
    } else {
        rng.range(43, 60)
    }
}

fn opt_null(rng: &mut Rng, nulls: bool) -> Opt {
    if nulls || rng.percent(30) {
        Opt::Null
    } else {
        Opt::Absent
    }
}

/// When the record of a meeting or review reached parents: usually within the fortnight, now
/// and then late, and sometimes not yet, more often for recent ones.
fn shared(rng: &mut Rng, date: NaiveDate, stop: NaiveDate, as_of: NaiveDate, nulls: bool) -> Opt {
    let recent = (as_of - date).num_days() <= 30;
    let late = rng.percent(6);
    let d = add_days(
        date,
        if late {
            rng.range(15, 40)
        } else {
            rng.range(0, 10)
        },
    );
    if rng.percent(if recent { 35 } else { 2 }) || d > stop {
        opt_null(rng, nulls)
    } else {
        Opt::Date(d)
    }
}

/// The cycles, oldest first, built backwards from the most recent, which stands as `latest`
/// says on the day the records stop; none starts before `floor` but the most recent.
fn invent_cycles(
    rng: &mut Rng,
    school: &School,
    (floor, stop): (NaiveDate, NaiveDate),
    latest: Latest,
    trajectory: Trajectory,
    (primary, secondary): (usize, Option<usize>),
) -> Vec<Cycle> {
    let wanted = rng.weighted(&[(1, 25), (2, 30), (3, 25), (4, 20)]);
    let nulls = rng.percent(25);
    let mut cycles: Vec<Cycle> = Vec::with_capacity(wanted);
    let mut next_start = None::<NaiveDate>;
    for k in 0..wanted {
        let (started, agreed, due, reviewed) = match (k, latest) {
            (0, Latest::OpenPlanned) => {
                // Some reviews are overdue, some fall due within the window, most later.
                let (lo, hi) = rng.weighted(&[((-40, -1), 18), ((0, 14), 17), ((15, 70), 65)]);
                let due = weekday_back(add_days(stop, rng.range(lo, hi)));
                let mut started = weekday_back(add_days(due, -rng.range(42, 90)));
                if started > add_days(stop, -10) {
                    started = weekday_back(add_days(stop, -rng.range(10, 30)));
                }
                let agreed = add_days(started, rng.range(5, 14)).min(stop);
                (started, Some(agreed), Some(due), None)
            }
            (0, Latest::OpenUnplanned) => {
                let started = weekday_back(add_days(stop, -rng.range(0, 20)));
                (started, None, None, None)
            }
            _ => {
                let review = match next_start {
                    // The next cycle usually starts within a fortnight of the review.
                    Some(s) => {
                        let gap = match rng.below(10) {
                            0..7 => rng.range(1, 14),
                            7..9 => rng.range(15, 35),
                            _ => rng.range(36, 70),
                        };
                        weekday_back(add_days(s, -gap))
                    }
                    None if latest == Latest::Exit && stop < school.as_of => stop,
                    None => weekday_back(add_days(stop, -rng.range(1, 40))),
                };
                let due = add_days(review, rng.range(-7, 10));
                let started = weekday_back(add_days(due.min(review), -rng.range(42, 90)));
                let agreed = add_days(started, rng.range(5, 14));
                (started, Some(agreed), Some(due), Some(review))
            }
        };
        if k > 0 && started < floor {
            break;
        }
        next_start = Some(started);

        let specialist_odds = [3, 8, 35, 45][trajectory.0];
        let specialists: Vec<(usize, NaiveDate)> = if rng.percent(specialist_odds) {
            let n = if rng.percent(15) { 2 } else { 1 };
            (0..n)
                .map(|_| {
                    let role = rng.below(SPECIALISTS.len() as u64) as usize;
                    (role, add_days(started, rng.range(-20, 20)).min(stop))
                })
                .collect()
        } else {
            Vec::new()
        };
        let plan = agreed
            .zip(due)
            .map(|(agreed, review_due)| invent_plan(rng, agreed, review_due, primary, secondary));
        let review = reviewed.map(|date| {
            let plan = plan.as_ref().expect("a reviewed cycle has a plan");
            let progress = rng.odds(&PROGRESS_ODDS[trajectory.0]);
            let scores = plan
                .outcomes
                .iter()
                .filter_map(|&o| {
                    // Now and then an outcome is left unscored.
                    let score = SCORES[rng.odds(&SCORE_ODDS[progress])];
                    (!rng.percent(10)).then_some((o, score))
                })
                .collect();
            let struggling = progress >= 2;
            let next = if k == 0 && latest == Latest::Exit {
                "exit"
            } else if struggling && specialists.is_empty() && rng.percent(40) {
                "specialist"
            } else {
                "new-cycle"
            };
            let parents_present = rng.percent(85);
            let shared = if parents_present || rng.percent(50) {
                shared(rng, date, stop, school.as_of, nulls)
            } else {
                Opt::Absent
            };
            Review {
                date,
                parents_present,
                pupil_views: rng.percent(70),
                parent_views: parents_present && rng.percent(80),
                scores,
                progress: PROGRESS[progress],
                next,
                shared,
            }
        });
        cycles.push(Cycle {
            started,
            assess: plan.is_some() || rng.percent(60),
            specialists,
            plan,
            review,
            yml: rng.percent(1),
        });
    }
    cycles.reverse();
    cycles
}

fn invent_plan(
    rng: &mut Rng,
    agreed: NaiveDate,
    review_due: NaiveDate,
    primary: usize,
    secondary: Option<usize>,
) -> Plan {
    // DS, OTH and NSA have no single area: their outcomes come from learning or communication.
    let areas: Vec<Area> = [Some(primary), secondary]
        .into_iter()
        .flatten()
        .map(|n| {
            NEEDS[n].1.unwrap_or(if n % 2 == 0 {
                Area::Cognition
            } else {
                Area::Communication
            })
        })
        .collect();
    let mut outcomes: Vec<usize> = Vec::with_capacity(3);
    for _ in 0..rng.range(1, 3) {
        let area = rng.pick(&areas);
        let choices: Vec<usize> = (0..OUTCOMES.len())
            .filter(|&i| OUTCOMES[i].0 == area && !outcomes.contains(&i))
            .collect();
        if !choices.is_empty() {
            outcomes.push(rng.pick(&choices));
        }
    }
    let mut catalogue: Vec<usize> = Vec::with_capacity(3);
    for _ in 0..rng.range(1, 3) {
        let area = OUTCOMES[rng.pick(&outcomes)].0;
        let choices: Vec<usize> = (0..CATALOGUE.len())
            .filter(|&i| CATALOGUE[i].2 == area && !catalogue.contains(&i))
            .collect();
        if !choices.is_empty() {
            catalogue.push(rng.pick(&choices));
        }
    }
    Plan {
        agreed,
        with_parents: rng.percent(90),
        outcomes,
        catalogue,
        in_place: rng
            .percent(20)
            .then(|| rng.below(IN_PLACE.len() as u64) as usize),
        review_due,
    }
}

/// A meeting in most terms the pupil was on the register, and now and then a second.
fn invent_meetings(
    rng: &mut Rng,
    school: &School,
    (since, stop): (NaiveDate, NaiveDate),
    nulls: bool,
) -> Vec<Meeting> {
    let mut meetings = Vec::new();
    for term in &school.terms {
        let (from, to) = (term.start.max(since), term.end.min(stop));
        if from > to {
            continue;
        }
        let count = if rng.percent(78) {
            1 + usize::from(rng.percent(10))
        } else {
            0
        };
        for _ in 0..count {
            let date = rng.school_day(from, to);
            let parents_present = rng.percent(88);
            let shared = if parents_present || rng.percent(40) {
                shared(rng, date, stop, school.as_of, nulls)
            } else {
                Opt::Absent
            };
            meetings.push(Meeting {
                date,
                parents_present,
                pupil_present: rng.percent(35),
                led_by: if rng.percent(40) {
                    SENCO
                } else {
                    rng.pick(STAFF)
                },
                purpose: rng.pick(MEETING_PURPOSES),
                notes: rng.pick(MEETING_NOTES),
                agreed: rng.pick(MEETING_AGREED),
                shared,
            });
        }
    }
    meetings.sort_by_key(|m| m.date);
    meetings
}

/// Annual reviews every 12 months from the plan (6 while the child is under 5), of which the
/// folder keeps the last few held and, for a pupil still here, the next once it is arranged.
fn invent_annual_reviews(
    rng: &mut Rng,
    school: &School,
    who: &Identity,
    (issued, stop): (NaiveDate, NaiveDate),
    here: bool,
) -> Vec<AnnualReview> {
    let as_of = school.as_of;
    let mut held = Vec::new();
    let mut last = issued;
    let next = loop {
        let months = if age_on(who.dob, last) < 5 { 6 } else { 12 };
        // Usually held a little early, sometimes late.
        let slip = match rng.below(100) {
            0..78 => -rng.range(0, 28),
            78..94 => 0,
            _ => rng.range(1, 45),
        };
        let meeting = weekday_back(add_days(add_months(last, months), slip)).max(add_days(last, 1));
        if meeting > stop {
            break meeting;
        }
        held.push(meeting);
        last = meeting;
    };
    // Now and then a review that was due did not happen.
    let missed =
        here && held.last().is_some_and(|&m| (as_of - m).num_days() < 90) && rng.percent(10);
    if missed {
        held.pop();
    }
    // The folder keeps the last year's reviews and the one before them (so whether each was
    // on time can be told), and now and then one more.
    let last_year = held
        .iter()
        .position(|&m| (as_of - m).num_days() <= 364)
        .unwrap_or(held.len());
    let held = &held[last_year.saturating_sub(1 + usize::from(rng.percent(30)))..];

    let nc = who.nc_year(school, as_of);
    let mut scheduled =
        (here && !missed && next <= add_days(as_of, 90) && rng.percent(70)).then_some(next);
    if here && (nc == 6 || nc == 11) {
        // A transfer year needs a review by the deadline; most schools arrange one.
        let window = ymd(school.year, 9, 1)..=school.transfer_deadline(nc);
        let in_window = |d: &NaiveDate| window.contains(d);
        let arranged = held.iter().any(in_window) || scheduled.as_ref().is_some_and(in_window);
        let from = add_days(as_of, 10);
        let by = add_days(*window.end(), -3);
        if !arranged && from < by && rng.percent(75) {
            scheduled = Some(rng.school_day(from, by));
        }
    }

    let nulls = rng.percent(25);
    let mut out: Vec<AnnualReview> = held
        .iter()
        .map(|&meeting| {
            let invitations = match rng.below(100) {
                0..80 => Opt::Date(weekday_back(add_days(meeting, -rng.range(14, 35)))),
                80..92 => Opt::Date(add_days(meeting, -rng.range(3, 13))),
                _ => opt_null(rng, nulls),
            };
            // Reports and decisions for recent meetings are often still to come.
            let recent = (as_of - meeting).num_days() <= 21;
            let mut after = |on_time: (i64, i64), late: (i64, i64), late_pct: u64| {
                let (lo, hi) = if rng.percent(late_pct) { late } else { on_time };
                let d = add_days(meeting, rng.range(lo, hi));
                if d > stop || rng.percent(if recent { 40 } else { 3 }) {
                    opt_null(rng, nulls)
                } else {
                    Opt::Date(d)
                }
            };
            let report_sent = after((2, 14), (15, 40), 15);
            let la_decision = after((7, 28), (29, 70), 25);
            let adulthood =
                (who.nc_year(school, meeting) >= 9 && rng.percent(85)).then(|| rng.pick(ADULTHOOD));
            let la_outcome = matches!(la_decision, Opt::Date(_))
                .then(|| rng.weighted(&[("maintain", 60), ("amend", 38), ("cease", 2)]));
            AnnualReview {
                meeting,
                held: true,
                invitations,
                parents_present: rng.percent(90),
                pupil_views: rng.percent(85),
                adulthood,
                report_sent,
                la_decision,
                la_outcome,
            }
        })
        .collect();
    if let Some(meeting) = scheduled {
        // Invitations go out two to seven weeks ahead, or late, or not yet.
        let sent = weekday_back(add_days(meeting, -rng.range(14, 49)));
        let late = add_days(meeting, -rng.range(5, 13));
        let invitations = match rng.below(100) {
            0..70 if sent <= as_of => Opt::Date(sent),
            70..85 if late <= as_of => Opt::Date(late),
            _ => opt_null(rng, nulls),
        };
        out.push(AnnualReview {
            meeting,
            held: false,
            invitations,
            parents_present: false,
            pupil_views: false,
            adulthood: None,
            report_sent: Opt::Absent,
            la_decision: Opt::Absent,
            la_outcome: None,
        });
    }
    out
}

fn invent_contacts(rng: &mut Rng, family: &str, eal: bool, looked_after: bool) -> Vec<Contact> {
    // A language other than English means the letters need translating.
    let language = if eal {
        Some(rng.pick(&[
            "Polish", "Urdu", "Arabic", "Romanian", "Somali", "Bengali", "English",
        ]))
    } else {
        rng.percent(40).then_some("English")
    };
    let address = |rng: &mut Rng| {
        rng.percent(80).then(|| {
            let street = format!("{} {}", rng.range(1, 180), rng.pick(STREETS));
            let postcode = format!(
                "M{} {}{}",
                rng.range(1, 40),
                rng.range(1, 9),
                rng.pick(&["AA", "BD", "HT", "QX"])
            );
            [street, "Salford".to_string(), postcode]
        })
    };
    let email = |rng: &mut Rng, first: &str| {
        rng.percent(70).then(|| {
            format!(
                "{}.{}@example.com",
                slug(first),
                slug(family).replace('-', "")
            )
        })
    };
    if looked_after {
        let carer = rng.pick(ADULT_WOMEN);
        return vec![
            Contact {
                name: "Children's Services (social worker)".to_string(),
                relationship: "local authority",
                responsibility: true,
                email: Some("childrens.services@example.gov.uk".to_string()),
                address: None,
                language: None,
                letters: None,
            },
            Contact {
                name: format!("Mrs {carer} {}", rng.pick(FAMILY)),
                relationship: "foster carer",
                responsibility: false,
                email: email(rng, carer),
                address: address(rng),
                language: None,
                letters: Some(true),
            },
        ];
    }
    let mother = rng.pick(ADULT_WOMEN);
    let title = if rng.percent(80) { "Mrs" } else { "Ms" };
    let mut contacts = vec![Contact {
        name: format!("{title} {mother} {family}"),
        relationship: "mother",
        responsibility: true,
        email: email(rng, mother),
        address: address(rng),
        language,
        letters: None,
    }];
    if rng.percent(60) {
        let father = rng.pick(ADULT_MEN);
        let (relationship, responsibility) = rng.weighted(&[
            (("father", true), 80),
            (("stepfather", false), 12),
            (("grandfather", false), 8),
        ]);
        // A parent who asked for no letters, and a relative who asked for them.
        let letters = match (responsibility, rng.below(100)) {
            (true, 0..8) => Some(false),
            (false, 0..30) => Some(true),
            _ => None,
        };
        contacts.push(Contact {
            name: format!("Mr {father} {family}"),
            relationship,
            responsibility,
            email: email(rng, father),
            address: address(rng),
            language,
            letters,
        });
    }
    contacts
}

// ---------------------------------------------------------------------------------------------
// YAML text

#[derive(Default)]
struct Doc(String);

impl Doc {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn text(&mut self, prefix: &str, key: &str, value: &str) {
        let _ = writeln!(self.0, "{prefix}{key}: {}", scalar(value));
    }

    fn date(&mut self, prefix: &str, key: &str, d: NaiveDate) {
        let _ = writeln!(self.0, "{prefix}{key}: {}", Iso(d));
    }

    fn opt(&mut self, prefix: &str, key: &str, d: Opt) {
        match d {
            Opt::Date(d) => self.date(prefix, key, d),
            Opt::Null => {
                let _ = writeln!(self.0, "{prefix}{key}: null");
            }
            Opt::Absent => {}
        }
    }

    /// The four costing fields of a provision, under `indent`.
    fn costing(&mut self, indent: &str, group: u32, sessions: u32, minutes: u32, pence: u32) {
        let pounds = if pence == 0 {
            "0".to_string()
        } else {
            format!("{}.{:02}", pence / 100, pence % 100)
        };
        let _ = write!(
            self.0,
            "{indent}group_size: {group}\n{indent}sessions_per_week: {sessions}\n\
             {indent}minutes_per_session: {minutes}\n{indent}cost_per_hour: {pounds}\n"
        );
    }

    /// A literal block scalar, wrapped at about 88 columns as a person would type it.
    fn block(&mut self, prefix: &str, key: &str, text: &str) {
        let _ = writeln!(self.0, "{prefix}{key}: |");
        let indent = " ".repeat(prefix.len() + 2);
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > 88 {
                let _ = writeln!(self.0, "{indent}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(self.0, "{indent}{line}");
    }
}

/// A string as a YAML scalar in block context: plain when that reads back as the same string
/// (in YAML 1.2 and in the 1.1 readers people also use), else double-quoted.
fn scalar(s: &str) -> Cow<'_, str> {
    let plain = s.starts_with(|c: char| c.is_alphabetic())
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '"', '\\'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("\"{s}\""))
    }
}

/// A string inside a flow mapping, where commas and brackets also end a plain scalar.
fn flow(s: &str) -> Cow<'_, str> {
    if s.contains([',', '[', ']', '{', '}']) {
        Cow::Owned(format!("\"{s}\""))
    } else {
        scalar(s)
    }
}
