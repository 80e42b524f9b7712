//! The eleven indicators of Annex 2 (E1–E11) and the leading-industry rules
//! (P1, P2), per park, from its statistics rows and built-up area.
//!
//! A park's figures are the sums of its rows (block rows and park rows). If
//! any contributing row leaves a column empty, the park's figure for that
//! column is not reported: a partial sum would pass for the whole park.
//! A ratio with a zero or missing denominator is not computable (`None`),
//! never 0 and never infinite, and a finding names the indicator and why.

use super::stats::{StatColumn, StatsRow, StatsTable};
use super::{BuiltupSource, ParkFacts};
use crate::findings::{Finding, Severity};
use crate::rules::{self, Rule};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// Decimal places of every derived figure: ratios (E4–E8, E10), leading
/// shares, benchmarks and scores.
pub const DECIMALS: u32 = 4;

/// How derived figures are rounded: half away from zero (四舍五入), so
/// 1.23445 → 1.2345 (not banker's 1.2344).
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// Decimal places of a built-up area once it becomes a denominator
/// (1e-6 mu ≈ 0.0007 m², as the areas written to the outputs).
pub const AREA_DECIMALS: u32 = 6;

/// The one rounding rule: [`DECIMALS`] places, [`ROUNDING`]. Sums of the
/// input figures are exact and not rounded; every quotient is computed at
/// full decimal precision (28 significant digits) and rounded once, here,
/// and later steps (scores, comparisons with thresholds) use the rounded
/// value, so that anyone can redo them from the published figures.
pub fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(DECIMALS, ROUNDING).normalize()
}

/// P2: the leading industries reach this share of each block's output.
/// Fixed by §1 clause 2 (≥ 60%), not configurable.
pub const P2_MIN_LEADING_SHARE: Decimal = Decimal::from_parts(6, 0, 0, false, 1);

/// An indicator group of Annex 1 §2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// 总量指标: E1–E3.
    Total,
    /// 效益指标: E4–E6.
    Efficiency,
    /// 节能减排指标: E7–E9.
    Green,
    /// 科技创新指标: E10–E11.
    Innovation,
}

impl Group {
    /// All groups, in the order of Annex 1.
    pub const ALL: [Group; 4] = [Group::Total, Group::Efficiency, Group::Green, Group::Innovation];

    /// The key in `[evaluation.weights]`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Total => "total",
            Group::Efficiency => "efficiency",
            Group::Green => "green",
            Group::Innovation => "innovation",
        }
    }

    /// The indicators of the group.
    pub fn members(self) -> impl Iterator<Item = Indicator> {
        Indicator::ALL.into_iter().filter(move |i| i.group() == self)
    }
}

/// One of the eleven indicators of Annex 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // each variant is the rule of the same name in crate::rules
pub enum Indicator {
    E1,
    E2,
    E3,
    E4,
    E5,
    E6,
    E7,
    E8,
    E9,
    E10,
    E11,
}

impl Indicator {
    /// Number of indicators.
    pub const COUNT: usize = 11;

    /// All indicators, E1 to E11.
    pub const ALL: [Indicator; Indicator::COUNT] = [
        Indicator::E1,
        Indicator::E2,
        Indicator::E3,
        Indicator::E4,
        Indicator::E5,
        Indicator::E6,
        Indicator::E7,
        Indicator::E8,
        Indicator::E9,
        Indicator::E10,
        Indicator::E11,
    ];

    /// The output property name (DATA.md).
    pub fn name(self) -> &'static str {
        match self {
            Indicator::E1 => "e1_output_wan",
            Indicator::E2 => "e2_investment_wan",
            Indicator::E3 => "e3_tax_wan",
            Indicator::E4 => "e4_output_per_mu",
            Indicator::E5 => "e5_investment_per_mu",
            Indicator::E6 => "e6_tax_per_mu",
            Indicator::E7 => "e7_energy_per_va",
            Indicator::E8 => "e8_water_per_va",
            Indicator::E9 => "e9_pollutant_t",
            Indicator::E10 => "e10_rnd_share_pct",
            Indicator::E11 => "e11_patents",
        }
    }

    /// The rule (id and clause).
    pub fn rule(self) -> Rule {
        match self {
            Indicator::E1 => rules::E1,
            Indicator::E2 => rules::E2,
            Indicator::E3 => rules::E3,
            Indicator::E4 => rules::E4,
            Indicator::E5 => rules::E5,
            Indicator::E6 => rules::E6,
            Indicator::E7 => rules::E7,
            Indicator::E8 => rules::E8,
            Indicator::E9 => rules::E9,
            Indicator::E10 => rules::E10,
            Indicator::E11 => rules::E11,
        }
    }

    /// The unit.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::E1 | Indicator::E2 | Indicator::E3 => "万元",
            Indicator::E4 | Indicator::E5 | Indicator::E6 => "万元/亩",
            Indicator::E7 => "tce/万元",
            Indicator::E8 => "m³/万元",
            Indicator::E9 => "t",
            Indicator::E10 => "%",
            Indicator::E11 => "patents",
        }
    }

    /// The group of Annex 1 §2.
    pub fn group(self) -> Group {
        match self {
            Indicator::E1 | Indicator::E2 | Indicator::E3 => Group::Total,
            Indicator::E4 | Indicator::E5 | Indicator::E6 => Group::Efficiency,
            Indicator::E7 | Indicator::E8 | Indicator::E9 => Group::Green,
            Indicator::E10 | Indicator::E11 => Group::Innovation,
        }
    }

    /// E7–E9 (energy, water, pollutants): lower is better.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Indicator::E7 | Indicator::E8 | Indicator::E9)
    }

    /// Position in [`Indicator::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A built-up area ready to divide by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Builtup {
    /// The area in mu, rounded to [`AREA_DECIMALS`].
    pub mu: Decimal,
    /// Measured or declared.
    pub source: BuiltupSource,
}

impl Builtup {
    pub(crate) fn mu_f64(&self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.mu.to_f64().unwrap_or(0.0)
    }
}

/// The built-up area of a park: measured if there is a built-up layer,
/// else the declared figure, else none.
pub(crate) fn resolve_builtup(facts: &ParkFacts) -> (Option<Builtup>, BuiltupSource) {
    let to_dec = |x: f64| {
        // an empty sum of f64 is -0.0: a measured zero is still a zero, not "negative"
        let x = if x == 0.0 { 0.0 } else { x };
        Decimal::from_f64(x)
            .filter(|d| !d.is_sign_negative())
            .map(|d| d.round_dp_with_strategy(AREA_DECIMALS, ROUNDING).normalize())
    };
    let (value, source) = match (facts.builtup_mu, facts.builtup_declared_mu) {
        (Some(m), _) => (to_dec(m.0), BuiltupSource::Measured),
        (None, Some(d)) => (to_dec(d), BuiltupSource::Declared),
        (None, None) => (None, BuiltupSource::None),
    };
    match value {
        Some(mu) => (Some(Builtup { mu, source }), source),
        None => (None, BuiltupSource::None),
    }
}

/// A park's sum of one column.
#[derive(Clone, Debug, PartialEq)]
enum Sum {
    Value(Decimal),
    /// A contributing row left the cell empty (or unusable).
    NotReported {
        line: usize,
        block_id: Option<String>,
    },
    /// The file has no such column.
    NoColumn,
    /// The sum exceeds the range of a decimal.
    Overflow,
}

fn sum_column(rows: &[&StatsRow], table: &StatsTable, c: StatColumn) -> Sum {
    if table.missing_columns.contains(&c) {
        return Sum::NoColumn;
    }
    let mut total = Decimal::ZERO;
    for r in rows {
        match r.get(c) {
            None => return Sum::NotReported { line: r.line, block_id: r.block_id.clone() },
            Some(v) => match total.checked_add(v) {
                Some(t) => total = t,
                None => return Sum::Overflow,
            },
        }
    }
    Sum::Value(total)
}

/// Why a value is missing, as a clause of a sentence.
fn why_sum(sum: &Sum, c: StatColumn, file: &str) -> String {
    match sum {
        Sum::Value(_) => String::new(),
        Sum::NotReported { line, block_id } => format!(
            "{} is not reported on {file} line {line}{} (empty or unusable cell), so the park's sum is unknown",
            c.name(),
            block_id.as_ref().map(|b| format!(" (block {b})")).unwrap_or_default()
        ),
        Sum::NoColumn => format!("{file} has no {} column", c.name()),
        Sum::Overflow => format!("the sum of {} is too large to be a real figure", c.name()),
    }
}

/// E1–E11 of one in-scope park, and a finding for every one that is `None`.
/// `rows` are the park's usable rows; a park without rows gets one finding.
pub(crate) fn park_indicators(
    facts: &ParkFacts,
    rows: &[&StatsRow],
    table: &StatsTable,
    builtup: Option<&Builtup>,
) -> ([Option<Decimal>; Indicator::COUNT], Vec<Finding>) {
    let pid = facts.park_id.as_str();
    let mut findings = Vec::new();
    if rows.is_empty() {
        findings.push(
            Finding::new(
                rules::D6,
                Severity::Warning,
                format!(
                    "park {pid} has no row in {}: its eleven indicators (E1–E11) are null, each contributes 0 to \
                     its score, and it is graded with the rest. Add a row per block (or one per park) for it",
                    table.file_name()
                ),
            )
            .park(pid),
        );
        return ([None; Indicator::COUNT], findings);
    }
    if !rows.iter().any(|r| r.block_id.is_none()) {
        let missing: Vec<&str> = facts
            .block_ids
            .iter()
            .filter(|b| !rows.iter().any(|r| r.block_id.as_deref() == Some(b.as_str())))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            findings.push(
                Finding::new(
                    rules::D6,
                    Severity::Warning,
                    format!(
                        "park {pid}: block{} {} {} no row in {}: the park's figures cover its other blocks only, \
                         while the per-mu indicators divide by the built-up area of all its blocks. Add the \
                         missing rows (zeros for a block with no activity)",
                        if missing.len() > 1 { "s" } else { "" },
                        missing.join(", "),
                        if missing.len() > 1 { "have" } else { "has" },
                        table.file_name()
                    ),
                )
                .park(pid),
            );
        }
    }

    let sums: Vec<Sum> = StatColumn::ALL.iter().map(|c| sum_column(rows, table, *c)).collect();
    let sum = |c: StatColumn| &sums[c.index()];
    let hundred = Decimal::ONE_HUNDRED;
    let mut values = [None; Indicator::COUNT];
    for ind in Indicator::ALL {
        let result: Result<Decimal, String> = match ind {
            Indicator::E1 => total(sum(StatColumn::IndustrialOutput), StatColumn::IndustrialOutput, table.file_name()),
            Indicator::E2 => {
                total(sum(StatColumn::FixedAssetInvestment), StatColumn::FixedAssetInvestment, table.file_name())
            }
            Indicator::E3 => total(sum(StatColumn::Tax), StatColumn::Tax, table.file_name()),
            Indicator::E9 => total(sum(StatColumn::Pollutant), StatColumn::Pollutant, table.file_name()),
            Indicator::E11 => total(sum(StatColumn::InventionPatents), StatColumn::InventionPatents, table.file_name()),
            Indicator::E4 | Indicator::E5 | Indicator::E6 => {
                let c = match ind {
                    Indicator::E4 => StatColumn::IndustrialOutput,
                    Indicator::E5 => StatColumn::FixedAssetInvestment,
                    _ => StatColumn::Tax,
                };
                per_mu(sum(c), c, builtup, facts, table.file_name())
            }
            Indicator::E7 | Indicator::E8 => {
                let c = if ind == Indicator::E7 { StatColumn::Energy } else { StatColumn::Water };
                quotient(
                    sum(c),
                    c,
                    sum(StatColumn::IndustrialValueAdded),
                    StatColumn::IndustrialValueAdded,
                    table.file_name(),
                    Decimal::ONE,
                )
            }
            Indicator::E10 => quotient(
                sum(StatColumn::Rnd),
                StatColumn::Rnd,
                sum(StatColumn::MainRevenue),
                StatColumn::MainRevenue,
                table.file_name(),
                hundred,
            ),
        };
        match result {
            Ok(v) => values[ind.index()] = Some(v),
            Err(why) => findings.push(
                Finding::new(
                    ind.rule(),
                    Severity::Warning,
                    format!(
                        "{} ({}) is not computable for park {pid}: {why}. It is left null and contributes 0 to the \
                         score",
                        ind.rule().id,
                        ind.rule().title
                    ),
                )
                .park(pid),
            ),
        }
    }
    (values, findings)
}

fn total(s: &Sum, c: StatColumn, file: &str) -> Result<Decimal, String> {
    match s {
        Sum::Value(v) => Ok(*v),
        other => Err(why_sum(other, c, file)),
    }
}

/// `scale × num / den`, rounded once; `Err` with the reason when not computable.
fn quotient(
    num: &Sum,
    nc: StatColumn,
    den: &Sum,
    dc: StatColumn,
    file: &str,
    scale: Decimal,
) -> Result<Decimal, String> {
    let n = total(num, nc, file)?;
    let d = total(den, dc, file)?;
    if d.is_zero() {
        return Err(format!("the denominator {} is 0", dc.name()));
    }
    n.checked_mul(scale)
        .and_then(|x| x.checked_div(d))
        .map(round)
        .ok_or_else(|| format!("{} / {} is out of range", nc.name(), dc.name()))
}

fn per_mu(
    num: &Sum,
    c: StatColumn,
    builtup: Option<&Builtup>,
    facts: &ParkFacts,
    file: &str,
) -> Result<Decimal, String> {
    let n = total(num, c, file)?;
    let b = builtup.ok_or_else(|| {
        if facts.builtup_mu.is_none() && facts.builtup_declared_mu.is_none() {
            "there is no built-up area: no built-up layer was given and no builtup_mu was declared for its blocks"
                .to_owned()
        } else {
            "the built-up area is not a usable number".to_owned()
        }
    })?;
    if b.mu.is_zero() {
        return Err(match b.source {
            BuiltupSource::Measured => {
                "its measured built-up area is 0 mu (no built-up parcel lies inside its blocks)".to_owned()
            }
            _ => "its declared built-up area is 0 mu".to_owned(),
        });
    }
    n.checked_div(b.mu).map(round).ok_or_else(|| format!("{} per mu is out of range", c.name()))
}

/// P1: 1 or 2 leading industries (a violation otherwise).
pub(crate) fn check_p1(facts: &ParkFacts) -> Option<Finding> {
    let mut names: Vec<&str> = Vec::new();
    for n in facts.leading_industries.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let k = names.len();
    if (1..=2).contains(&k) {
        return None;
    }
    let message = if k == 0 {
        format!(
            "park {} names no leading industry (主导产业); P1 asks for 1 or 2. Fill in leading_industries in the \
             parks layer",
            facts.park_id
        )
    } else {
        format!(
            "park {} names {k} leading industries ({}); P1 asks for 1 or 2: name the one or two the park is built \
             around",
            facts.park_id,
            names.join("、")
        )
    };
    Some(
        Finding::new(rules::P1, Severity::Violation, message).park(facts.park_id.clone()).measured(k as f64, Some(2.0)),
    )
}

/// P2 per block: leading_output_wan / industrial_output_wan of the block's
/// own row, rounded by [`round`] and compared rounded with
/// [`P2_MIN_LEADING_SHARE`]. Blocks without a row of their own (figures
/// given per park) are not judged; one finding per park says so.
pub(crate) fn leading_shares(
    facts: &ParkFacts,
    rows: &[&StatsRow],
) -> (BTreeMap<String, Option<Decimal>>, Vec<Finding>) {
    let pid = facts.park_id.as_str();
    let mut shares = BTreeMap::new();
    let mut findings = Vec::new();
    let mut unjudged = Vec::new();
    for b in &facts.block_ids {
        let Some(row) = rows.iter().find(|r| r.block_id.as_deref() == Some(b.as_str())) else {
            unjudged.push(b.as_str());
            shares.insert(b.clone(), None);
            continue;
        };
        let out = row.get(StatColumn::IndustrialOutput);
        let lead = row.get(StatColumn::LeadingOutput);
        let share = match (lead, out) {
            (Some(l), Some(o)) if !o.is_zero() => l.checked_div(o).map(round),
            _ => None,
        };
        shares.insert(b.clone(), share);
        let info = |m: String| Finding::new(rules::P2, Severity::Info, m).park(pid).block(b.clone());
        match (share, lead, out) {
            (Some(s), Some(l), Some(o)) => {
                if s > Decimal::ONE {
                    findings.push(
                        Finding::new(
                            rules::D6,
                            Severity::Warning,
                            format!(
                                "block {b}: leading_output_wan {l} exceeds industrial_output_wan {o} (line {}); \
                                 the leading industries' output is part of the block's output. Check both cells",
                                row.line
                            ),
                        )
                        .park(pid)
                        .block(b.clone()),
                    );
                } else if s < P2_MIN_LEADING_SHARE {
                    let gap = P2_MIN_LEADING_SHARE - s;
                    findings.push(
                        Finding::new(
                            rules::P2,
                            Severity::Warning,
                            format!(
                                "block {b}: the leading industries produce {}% of the block's output ({l} of {o} \
                                 万元), {} percentage points short of the 60% P2 asks for",
                                pct(s),
                                pct(gap)
                            ),
                        )
                        .park(pid)
                        .block(b.clone())
                        .measured(to_f64(s), Some(0.6)),
                    );
                }
            }
            (_, _, Some(o)) if o.is_zero() && lead.is_some() => findings.push(info(format!(
                "block {b} has no output yet (industrial_output_wan = 0, line {}): its leading share is not \
                 computable",
                row.line
            ))),
            (_, None, _) | (_, _, None) => findings.push(info(format!(
                "block {b}: {} not reported on line {}: its leading share is not computable",
                if lead.is_none() { "leading_output_wan is" } else { "industrial_output_wan is" },
                row.line
            ))),
            _ => {}
        }
    }
    // Blocks without a row in a park with only block rows are reported (D6)
    // by `park_indicators`; here only the case of figures given per park.
    if !unjudged.is_empty() && rows.iter().any(|r| r.block_id.is_none()) {
        findings.push(
            Finding::new(
                rules::P2,
                Severity::Info,
                format!(
                    "park {pid}: P2 is judged per block, and block{} {} {} no row of {} own (the figures are given \
                     per park): not judged. Give one row per block to have it judged",
                    if unjudged.len() > 1 { "s" } else { "" },
                    unjudged.join(", "),
                    if unjudged.len() > 1 { "have" } else { "has" },
                    if unjudged.len() > 1 { "their" } else { "its" },
                ),
            )
            .park(pid),
        );
    }
    (shares, findings)
}

/// A share (0..1) as a percentage with at most 2 decimals, e.g. 0.5234 → "52.34".
fn pct(share: Decimal) -> String {
    (share * Decimal::ONE_HUNDRED).normalize().to_string()
}

pub(crate) fn to_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{evaluate, parse_stats, EvaluationConfig};
    use crate::units::Mu;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal literal")
    }

    fn park(id: &str, blocks: &[&str], builtup: Option<f64>) -> ParkFacts {
        ParkFacts {
            park_id: id.into(),
            in_scope: true,
            block_ids: blocks.iter().map(|b| (*b).to_owned()).collect(),
            builtup_mu: builtup.map(Mu),
            leading_industries: vec!["新材料".into()],
            ..ParkFacts::default()
        }
    }

    const HEADER: &str = "park_id,block_id,industrial_output_wan,fixed_asset_investment_wan,tax_wan,\
industrial_value_added_wan,energy_tce,water_m3,pollutant_t,rnd_wan,main_revenue_wan,invention_patents,\
leading_output_wan";

    fn table(rows: &str) -> StatsTable {
        parse_stats(&format!("{HEADER}\n{rows}"), "stats.csv", &BTreeMap::new()).expect("usable").0
    }

    fn rules_of(f: &[Finding], park: &str) -> Vec<&'static str> {
        f.iter().filter(|x| x.park_id.as_deref() == Some(park)).map(|x| x.rule).collect()
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_four_places() {
        assert_eq!(round(d("1.23445")), d("1.2345"));
        assert_eq!(round(d("1.23435")), d("1.2344"));
        assert_eq!(round(d("2.00004999")), d("2"));
        assert_eq!(round(d("100.0000")).to_string(), "100");
    }

    /// Park A: two block rows and a park row, built-up 1234.5 mu.
    ///
    /// Sums by hand:
    ///   output     1000 + 234.56 + 0.01      = 1234.57
    ///   investment  600 + 0      + 17.25     = 617.25
    ///   tax          50 + 11.5   + 0         = 61.5
    ///   value added   7 + 3      + 0         = 10
    ///   energy        8 + 4.3445 + 0         = 12.3445
    ///   water        20 + 0      + 0         = 20 ... (see E8)
    ///   pollutant   0.5 + 0.25   + 0         = 0.75
    ///   R&D           1 + 0      + 0         = 1
    ///   revenue       2 + 1      + 0         = 3
    ///   patents       2 + 1      + 0         = 3
    /// E4 = 1234.57 / 1234.5 = 1.0000567… → 1.0001
    /// E5 = 617.25 / 1234.5 = 0.5000 (exactly 0.5)
    /// E6 = 61.5 / 1234.5 = 0.049817… → 0.0498
    /// E7 = 12.3445 / 10 = 1.23445 → 1.2345 (half away from zero)
    /// E8 = 20 / 10 = 2
    /// E10 = 100 × 1 / 3 = 33.333… → 33.3333
    #[test]
    fn indicators_of_a_park_summed_over_block_and_park_rows() {
        let t = table(
            "A,A-1,1000,600,50,7,8,20,0.5,1,2,2,\n\
             A,A-2,234.56,0,11.5,3,4.3445,0,0.25,0,1,1,\n\
             A,,0.01,17.25,0,0,0,0,0,0,0,0,\n",
        );
        let e = evaluate(&[park("A", &["A-1", "A-2"], Some(1234.5))], Some(&t), &EvaluationConfig::default());
        let p = &e.parks[0];
        assert_eq!(p.e1_output_wan, Some(d("1234.57")));
        assert_eq!(p.e2_investment_wan, Some(d("617.25")));
        assert_eq!(p.e3_tax_wan, Some(d("61.5")));
        assert_eq!(p.e4_output_per_mu, Some(d("1.0001")));
        assert_eq!(p.e5_investment_per_mu, Some(d("0.5")));
        assert_eq!(p.e6_tax_per_mu, Some(d("0.0498")));
        assert_eq!(p.e7_energy_per_va, Some(d("1.2345")));
        assert_eq!(p.e8_water_per_va, Some(d("2")));
        assert_eq!(p.e9_pollutant_t, Some(d("0.75")));
        assert_eq!(p.e10_rnd_share_pct, Some(d("33.3333")));
        assert_eq!(p.e11_patents, Some(d("3")));
        assert_eq!(p.builtup_source, BuiltupSource::Measured);
        assert_eq!(p.builtup_mu, Some(1234.5));
        let r = rules_of(&e.findings, "A");
        assert!(!r.iter().any(|x| x.starts_with('E') && *x != "E12" && *x != "E13"), "{:#?}", e.findings);
    }

    #[test]
    fn an_empty_cell_in_any_row_makes_the_park_sum_null() {
        // Block B-2 leaves water_m3 empty: E8 is null, E7 is not.
        let t = table("B,B-1,10,1,1,5,5,50,1,1,10,1,8\nB,B-2,10,1,1,5,5,,1,1,10,1,8\n");
        let e = evaluate(&[park("B", &["B-1", "B-2"], Some(2.0))], Some(&t), &EvaluationConfig::default());
        let p = &e.parks[0];
        assert_eq!(p.e8_water_per_va, None);
        assert_eq!(p.e7_energy_per_va, Some(d("1")), "10 tce / 10 万元");
        let f: Vec<_> = e.findings.iter().filter(|f| f.rule == "E8").collect();
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("water_m3") && f[0].message.contains("line 3"), "{}", f[0].message);
        assert!(f[0].message.contains("block B-2") && f[0].message.contains("contributes 0"), "{}", f[0].message);
    }

    #[test]
    fn zero_builtup_and_zero_value_added_are_not_computable() {
        let t = table("C,C-1,100,10,5,0,3,3,1,1,10,0,70\n");
        let e = evaluate(&[park("C", &["C-1"], Some(0.0))], Some(&t), &EvaluationConfig::default());
        let p = &e.parks[0];
        assert_eq!((p.e4_output_per_mu, p.e5_investment_per_mu, p.e6_tax_per_mu), (None, None, None));
        assert_eq!((p.e7_energy_per_va, p.e8_water_per_va), (None, None));
        assert_eq!(p.e1_output_wan, Some(d("100")), "totals are still known");
        assert_eq!(p.e10_rnd_share_pct, Some(d("10")));
        let r = rules_of(&e.findings, "C");
        for rule in ["E4", "E5", "E6", "E7", "E8"] {
            assert!(r.contains(&rule), "{rule} in {r:?}");
        }
        let e4 = e.findings.iter().find(|f| f.rule == "E4").map(|f| f.message.as_str()).unwrap_or("");
        assert!(e4.contains("measured built-up area is 0 mu"), "{e4}");
        let e7 = e.findings.iter().find(|f| f.rule == "E7").map(|f| f.message.as_str()).unwrap_or("");
        assert!(e7.contains("industrial_value_added_wan is 0"), "{e7}");
    }

    #[test]
    fn declared_builtup_is_used_only_without_a_measured_one() {
        let t = table("D,D-1,100,10,5,10,3,3,1,1,10,0,70\nE,E-1,100,10,5,10,3,3,1,1,10,0,70\n");
        let mut declared = park("D", &["D-1"], None);
        declared.builtup_declared_mu = Some(40.0);
        let mut both = park("E", &["E-1"], Some(50.0));
        both.builtup_declared_mu = Some(40.0);
        let e = evaluate(&[declared, both], Some(&t), &EvaluationConfig::default());
        assert_eq!(e.parks[0].builtup_source, BuiltupSource::Declared);
        assert_eq!(e.parks[0].e4_output_per_mu, Some(d("2.5")), "100 / 40");
        assert_eq!(e.parks[1].builtup_source, BuiltupSource::Measured);
        assert_eq!(e.parks[1].e4_output_per_mu, Some(d("2")), "100 / 50");
    }

    #[test]
    fn no_builtup_at_all_leaves_per_mu_null_with_the_reason() {
        let t = table("F,F-1,100,10,5,10,3,3,1,1,10,0,70\n");
        let e = evaluate(&[park("F", &["F-1"], None)], Some(&t), &EvaluationConfig::default());
        assert_eq!(e.parks[0].builtup_source, BuiltupSource::None);
        // regression: a measured built-up area of -0.0 (an empty f64 sum) is a measured zero
        let z = ParkFacts { builtup_mu: Some(Mu(-0.0)), ..ParkFacts::default() };
        let (b, source) = resolve_builtup(&z);
        assert_eq!(source, BuiltupSource::Measured);
        assert_eq!(b.map(|b| b.mu), Some(Decimal::ZERO));
        assert_eq!(e.parks[0].builtup_mu, None);
        assert_eq!(e.parks[0].e6_tax_per_mu, None);
        let m = e.findings.iter().find(|f| f.rule == "E6").map(|f| f.message.clone()).unwrap_or_default();
        assert!(m.contains("no built-up layer"), "{m}");
    }

    #[test]
    fn a_park_without_a_row_gets_one_finding_and_null_indicators() {
        let t = table("G,G-1,100,10,5,10,3,3,1,1,10,0,70\n");
        let e = evaluate(
            &[park("G", &["G-1"], Some(1.0)), park("H", &["H-1"], Some(1.0))],
            Some(&t),
            &EvaluationConfig::default(),
        );
        let h = &e.parks[1];
        assert_eq!(h.values(), [None; Indicator::COUNT]);
        let r = rules_of(&e.findings, "H");
        assert_eq!(r.iter().filter(|x| **x == "D6").count(), 1);
        assert!(!r.iter().any(|x| Indicator::ALL.iter().any(|i| i.rule().id == *x)), "one finding, not eleven: {r:?}");
    }

    #[test]
    fn rows_of_unknown_parks_and_blocks_are_reported_and_not_counted() {
        let t = table(
            "J,J-1,100,10,5,10,3,3,1,1,10,0,70\n\
             J,J-9,999,10,5,10,3,3,1,1,10,0,70\n\
             X,,5,1,1,1,1,1,1,1,1,0,1\n\
             J,K-1,7,1,1,1,1,1,1,1,1,0,1\n",
        );
        let e = evaluate(
            &[park("J", &["J-1"], Some(1.0)), park("K", &["K-1"], Some(1.0))],
            Some(&t),
            &EvaluationConfig::default(),
        );
        assert_eq!(e.parks[0].e1_output_wan, Some(d("100")), "only J-1 counts");
        let d6: Vec<_> = e.findings.iter().filter(|f| f.rule == "D6" && f.location.is_some()).collect();
        let lines: Vec<_> = d6.iter().filter_map(|f| f.location.as_ref().and_then(|l| l.line)).collect();
        assert_eq!(lines.len(), 3, "{d6:#?}");
        for l in [3, 4, 5] {
            assert!(lines.contains(&l), "line {l} in {lines:?}");
        }
        assert!(d6.iter().any(|f| f.message.contains("park X is not in the parks layer")));
        assert!(d6.iter().any(|f| f.message.contains("belongs to park K")));
    }

    #[test]
    fn p1_counts_distinct_leading_industries() {
        let mut p = park("P", &[], None);
        assert!(check_p1(&p).is_none());
        p.leading_industries = vec!["a".into(), "b".into(), "a".into()];
        assert!(check_p1(&p).is_none(), "a repeated name counts once");
        p.leading_industries = vec!["a".into(), "b".into(), "c".into()];
        let f = check_p1(&p).expect("three is too many");
        assert_eq!((f.rule, f.severity, f.value), ("P1", Severity::Violation, Some(3.0)));
        p.leading_industries = vec![" ".into()];
        assert!(check_p1(&p).expect("none").message.contains("no leading industry"));
    }

    /// 523.4 / 1000 = 0.5234 → warning, gap 0.0766 (7.66 points).
    /// 600 / 1000 = 0.6 exactly → no warning.
    /// 0.59996 rounds to 0.6 → no warning (compared rounded).
    /// no output yet → null, info. Q-5: no row → null.
    #[test]
    fn p2_leading_share_per_block() {
        let t = table(
            "Q,Q-1,1000,0,0,0,0,0,0,0,0,0,523.4\n\
             Q,Q-2,1000,0,0,0,0,0,0,0,0,0,600\n\
             Q,Q-3,100000,0,0,0,0,0,0,0,0,0,59996\n\
             Q,Q-4,0,0,0,0,0,0,0,0,0,0,0\n",
        );
        let e = evaluate(
            &[park("Q", &["Q-1", "Q-2", "Q-3", "Q-4", "Q-5"], Some(1.0))],
            Some(&t),
            &EvaluationConfig::default(),
        );
        let s = &e.leading_share;
        assert_eq!(s["Q-1"], Some(d("0.5234")));
        assert_eq!(s["Q-2"], Some(d("0.6")));
        assert_eq!(s["Q-3"], Some(d("0.6")));
        assert_eq!((s["Q-4"], s["Q-5"]), (None, None));
        let p2: Vec<_> = e.findings.iter().filter(|f| f.rule == "P2" && f.severity == Severity::Warning).collect();
        assert_eq!(p2.len(), 1);
        assert_eq!(p2[0].block_id.as_deref(), Some("Q-1"));
        assert!(
            p2[0].message.contains("52.34%") && p2[0].message.contains("7.66 percentage points"),
            "{}",
            p2[0].message
        );
        assert_eq!((p2[0].value, p2[0].threshold), (Some(0.5234), Some(0.6)));
    }

    proptest::proptest! {
        /// Park sums against integer cents: every block row present, some
        /// cells empty; E1 is the sum, or null as soon as one cell is empty.
        #[test]
        fn park_sum_is_exact_or_null(cells in proptest::collection::vec(proptest::option::weighted(0.9, 0i64..10_000_000_000), 1..6)) {
            let blocks: Vec<String> = (0..cells.len()).map(|k| format!("S-{k}")).collect();
            let mut text = String::from("park_id,block_id,industrial_output_wan\n");
            for (b, c) in blocks.iter().zip(&cells) {
                let cell = c.map(|v| format!("{}.{:02}", v / 100, v % 100)).unwrap_or_default();
                text += &format!("S,{b},{cell}\n");
            }
            let t = parse_stats(&text, "s.csv", &BTreeMap::new()).expect("usable").0;
            let ids: Vec<&str> = blocks.iter().map(String::as_str).collect();
            let e = evaluate(&[park("S", &ids, Some(1.0))], Some(&t), &EvaluationConfig::default());
            let want = cells.iter().copied().collect::<Option<Vec<i64>>>().map(|v| Decimal::new(v.iter().sum(), 2));
            proptest::prop_assert_eq!(e.parks[0].e1_output_wan, want);
        }
    }
}
