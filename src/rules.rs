//! Every rule the tool reports, with its id and the clause that demands it.
//!
//! Policy rules (S, L, Z, P, E, C, B, T) are those of `../shared/POLICY.md`
//! (内政发〔2019〕21号). Data rules (D) are the input contract of
//! `../shared/DATA.md`: a rejected or repaired feature is a finding too, so
//! that nothing leaves the analysis without a trace. `grep -rn 'Z2'` finds a
//! rule's definition here and every place that applies it.

use serde::Serialize;

/// A rule: its id (as in POLICY.md), the clause it comes from and a short title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Rule id, e.g. `Z2`.
    pub id: &'static str,
    /// Where the rule comes from, e.g. `§1 clause 1`.
    pub clause: &'static str,
    /// What the rule says, in a few words.
    pub title: &'static str,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $name:ident = $clause:literal, $title:literal;)*) => {
        $( $(#[$doc])* pub const $name: Rule = Rule { id: stringify!($name), clause: $clause, title: $title }; )*
        /// All rules, in the order of POLICY.md.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    /// Evaluate industry-led parks (经济技术开发区, 高新技术产业园区, 产业基地 …).
    S1 = "Annex 1 §1", "industry-led parks are evaluated";
    /// Logistics parks and non-industrial customs zones are out of scope: listed, never scored.
    S2 = "Annex 1 §1", "logistics parks and non-industrial customs zones are out of scope";
    /// Each county keeps 1 park in principle (原则上每个旗县（市、区）保留1个园区).
    L1 = "§1 clause 1", "one park per county";
    /// An economically strong county may keep 2 (经济实力强的旗县可保留2个).
    L2 = "§1 clause 1", "a strong county may keep two parks";
    /// Each park has at most 3 blocks (每个园区区块原则上不超过3个).
    L3 = "§1 clause 1", "at most three blocks per park";
    /// Parks over L1/L2/L3 must be consolidated.
    L4 = "§1 clause 1", "parks over quota are consolidated";
    /// Restricted development zones (限制开发区域): in principle no industrial park.
    Z1 = "§1 clause 1", "no park in a restricted development zone";
    /// Prohibited development zones (禁止开发区域): parks strictly forbidden.
    Z2 = "§1 clause 1", "no park in a prohibited development zone";
    /// Each park has 1 or 2 leading industries (主导产业).
    P1 = "§1 clause 2", "one or two leading industries";
    /// The leading industries' output reaches 60% of each block's output.
    P2 = "§1 clause 2", "leading industries reach 60% of each block's output";
    /// No hazardous-chemical production in a park whose leading industries exclude chemicals.
    P3 = "§2 clause 7", "no hazardous-chemical production outside chemical parks";
    /// Steel, electrolytic aluminium, calcium carbide, ferroalloy, coking and cement reach national advanced standards.
    P4 = "§2 clause 7", "high-energy projects reach national advanced standards";
    /// Cooperative development: output and revenue split between recommending and receiving area.
    P5 = "§1 clause 3", "cooperative development split";
    /// Industrial gross output value (工业总产值).
    E1 = "Annex 2", "industrial gross output value";
    /// Industrial fixed-asset investment of the year.
    E2 = "Annex 2", "industrial fixed-asset investment";
    /// Total tax (税收总额).
    E3 = "Annex 2", "total tax";
    /// Output per mu of built-up area (建成区亩均产值).
    E4 = "Annex 2", "output per mu of built-up area";
    /// Fixed-asset investment per mu of built-up area.
    E5 = "Annex 2", "investment per mu of built-up area";
    /// Tax per mu of built-up area.
    E6 = "Annex 2", "tax per mu of built-up area";
    /// Energy per unit of industrial value added.
    E7 = "Annex 2", "energy per unit of value added";
    /// Water per unit of industrial value added.
    E8 = "Annex 2", "water per unit of value added";
    /// Main pollutant emissions.
    E9 = "Annex 2", "main pollutant emissions";
    /// R&D expenditure as a share of main business revenue.
    E10 = "Annex 2", "R&D share of main revenue";
    /// Invention patents granted in the year.
    E11 = "Annex 2", "invention patents";
    /// Under-performing park: investment intensity and output efficiency below the required levels.
    E12 = "§1 clause 4, Annex 1 §3", "under-performing park";
    /// Scale class by economic size.
    E13 = "§5 clause 15", "scale class";
    /// Under-performing parks merge into the nearest park of the county, else of the league.
    C1 = "§1 clause 4, Annex 1 §3.3", "merge into the nearest park";
    /// Merges follow industrial-chain fit.
    C2 = "§1 clause 4", "industrial-chain fit";
    /// Receivers are kept parks; merges never chain or leave the league.
    C3 = "§1 clause 1", "receivers are kept parks";
    /// Counties over quota keep their best parks and merge the rest.
    C4 = "§1 clause 1", "counties over quota consolidate";
    /// Enterprises of a merged park that must relocate are listed.
    C5 = "§1 clause 4", "relocating enterprises";
    /// Zombie enterprise candidates (six criteria).
    B1 = "§2 clause 5", "zombie enterprise";
    /// Zombie projects past their start deadline.
    B2 = "§2 clause 5", "zombie project";
    /// ≥ 10,000 tce per year must be on the energy-monitoring platform.
    B3 = "§2 clause 6", "energy monitoring";
    /// Above the national energy-consumption quota.
    B4 = "§2 clause 6", "energy quota";
    /// Park contact tier by output.
    T1 = "§6 clause 17", "park contact tier";
    /// Project contact tier by investment.
    T2 = "§6 clause 17", "project contact tier";
    /// A feature whose geometry could not be read (null, empty, unparseable, non-polygonal, non-finite).
    D1 = "DATA.md: layers", "unreadable geometry";
    /// A feature whose geometry is invalid (self-intersection, unclosed ring …).
    D2 = "DATA.md: layers", "invalid geometry";
    /// A required property is missing or empty.
    D3 = "DATA.md: layers", "missing required property";
    /// A block_id appears more than once in the parks layer.
    D4 = "DATA.md: parks", "duplicate block_id";
    /// A property value that cannot be used (negative area, unknown zone class, not a number …).
    D5 = "DATA.md: layers", "unusable property value";
    /// A statistics cell that cannot be used, or a row for an unknown park.
    D6 = "DATA.md: stats.csv", "unusable statistics";
    /// A block's county code was taken from the counties layer.
    D7 = "DATA.md: parks", "county filled from the counties layer";
    /// The measured area of a park differs from its approved area (批复面积).
    D8 = "DATA.md: parks", "measured area differs from the approved area";
    /// Overlaps below the area tolerance, reported in total.
    D9 = "DATA.md: outputs", "overlaps below tolerance";
    /// An enterprises.csv cell or row that cannot be used, or a row naming an unknown park.
    D10 = "DATA.md: enterprises.csv", "unusable enterprise data";
    /// An enterprise whose coordinates lie outside its declared park, or inside another park.
    D11 = "DATA.md: enterprises.csv", "enterprise located outside its park";
    /// Blocks of two different parks overlap: the land is counted in both.
    D12 = "DATA.md: parks", "blocks of different parks overlap";
}

/// Looks a rule up by its id.
pub fn by_id(id: &str) -> Option<Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}
