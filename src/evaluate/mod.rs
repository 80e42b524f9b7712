//! Evaluation (Annexes 1 and 2): the eleven indicators, scores, grades,
//! under-performers and scale classes (E1–E13), leading industries (P1, P2)
//! and contact tiers (T1).
//!
//! The policy names the indicators but gives no threshold, weight or
//! grading: those are [`EvaluationConfig`], with documented defaults, and the
//! report prints the values a run used ([`report::thresholds_markdown`]).
//!
//! Stages, each in its own file: [`stats`] reads `stats.csv`;
//! [`indicators`] sums a park's rows and computes E1–E11 and the per-block
//! leading share (P1, P2); [`score`] normalises, weights, scores and grades;
//! [`classify`] decides E12, E13 and T1; [`report`] renders Markdown.
//! [`evaluate`] strings them together. Nothing here reads a file except
//! [`stats::read_stats`], and nothing prints.
//!
//! Numbers: money, indicators and scores are [`Decimal`], rounded once by the
//! rule of [`indicators::round`] (4 decimal places, half away from zero).
//! Areas stay `f64` mu until they become a denominator.

pub mod classify;
pub mod indicators;
pub mod report;
pub mod score;
pub mod stats;

use crate::findings::{Finding, Severity};
use crate::rules::D6;
use crate::units::Mu;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

pub use classify::{ContactTier, RequiredLevels};
pub use indicators::{Group, Indicator};
pub use score::{Benchmark, BenchmarkSource, Grade, GradeCutoffs};
pub use stats::{parse_stats, read_stats, StatColumn, StatsError, StatsRow, StatsTable};

// ----------------------------------------------------------------- inputs

/// What the evaluation needs to know about a park, gathered by the earlier
/// stages (layers, scope, measure).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParkFacts {
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// County adcode.
    pub county_adcode: Option<String>,
    /// League/city adcode.
    pub league_adcode: Option<String>,
    /// League/city name.
    pub league_name: Option<String>,
    /// `false` for S2 out-of-scope parks: listed, never scored.
    pub in_scope: bool,
    /// The park's valid blocks, input order.
    pub block_ids: Vec<String>,
    /// Built-up area measured from the built-up layer (`None` = no layer).
    pub builtup_mu: Option<Mu>,
    /// Typed-in built-up area (sum of a `builtup_mu` column), used only when
    /// `builtup_mu` is `None`.
    pub builtup_declared_mu: Option<f64>,
    /// Leading industries (主导产业), split.
    pub leading_industries: Vec<String>,
}

// ----------------------------------------------------------------- config

/// Evaluation thresholds, weights and grades (`[evaluation]` in yuanqu.toml).
///
/// Every key is optional; the defaults are documented on each field. The
/// policy itself fixes none of these numbers except the T1 contact tiers and
/// the 60% of P2, which are therefore not configurable.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationConfig {
    /// Where each indicator's benchmark comes from: `"median"` (default) —
    /// the median of the evaluated parks that report the indicator; or
    /// `"absolute"` — the values of [`benchmarks`](Self::benchmarks), an
    /// indicator without one falling back to the median (the report says so).
    ///
    /// The median is the default because the policy gives no level for nine
    /// of the eleven indicators, and with it a park at the median of every
    /// indicator scores exactly 100, so the weights below are the weights
    /// that actually act.
    pub benchmark_mode: BenchmarkMode,
    /// Absolute benchmarks, used when `benchmark_mode = "absolute"`.
    pub benchmarks: AbsoluteBenchmarks,
    /// Each indicator's ratio to its benchmark is capped at this value, so
    /// that one outstanding indicator cannot make up for all the others.
    /// Default 2 (twice the benchmark earns full marks).
    pub ratio_cap: f64,
    /// Group weights (Annex 1 §2: four groups). Default 0.2 / 0.4 / 0.2 / 0.2.
    pub weights: GroupWeights,
    /// Shares of the graded parks per grade, by rank. Default A 20%, B 40%,
    /// C 35%, D the rest (5%).
    pub grades: GradeShares,
    /// Under-performing parks (E12).
    pub underperforming: UnderperformingConfig,
    /// Scale classes by E1 (E13): a park takes the first class, by
    /// descending `min_output_wan`, whose minimum it reaches. Default:
    /// `large` ≥ 5,000,000 万元 (500亿), `medium` ≥ 1,000,000 万元 (100亿),
    /// `small` ≥ 0 — the policy gives no bounds for E13, so the default reuses
    /// the only output lines it draws itself (§6 clause 17, T1).
    pub scale_classes: Vec<ScaleClass>,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        EvaluationConfig {
            benchmark_mode: BenchmarkMode::Median,
            benchmarks: AbsoluteBenchmarks::default(),
            ratio_cap: 2.0,
            weights: GroupWeights::default(),
            grades: GradeShares::default(),
            underperforming: UnderperformingConfig::default(),
            scale_classes: vec![
                ScaleClass { name: "large".into(), min_output_wan: 5_000_000.0 },
                ScaleClass { name: "medium".into(), min_output_wan: 1_000_000.0 },
                ScaleClass { name: "small".into(), min_output_wan: 0.0 },
            ],
        }
    }
}

/// Where the benchmarks come from.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BenchmarkMode {
    /// The median of the evaluated parks (default).
    #[default]
    Median,
    /// The configured absolute values.
    Absolute,
}

/// Absolute benchmarks per indicator, in the indicator's unit
/// (`[evaluation.benchmarks]`). Unset = fall back to the median.
///
/// Defaults: only E5 and E6 have one, the national means of the Ministry of
/// Natural Resources' land-intensity monitoring of national development
/// zones (自然资源部《国家级开发区土地集约利用监测统计情况的通报》, the
/// edition covering 541 zones): industrial-land fixed-asset input intensity
/// 8984.3 万元/公顷 = 598.95 万元/亩 → 599, and industrial-land tax 678.99
/// 万元/公顷 = 45.27 万元/亩 → 45. They are per mu of industrial land and the
/// investment figure is cumulative, whereas E5 is the year's investment per
/// built-up mu: a reference line, not a like-for-like figure, hence the
/// median default.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)] // the field names are the indicator names of DATA.md
pub struct AbsoluteBenchmarks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e1_output_wan: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e2_investment_wan: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e3_tax_wan: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e4_output_per_mu: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e5_investment_per_mu: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e6_tax_per_mu: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e7_energy_per_va: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e8_water_per_va: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e9_pollutant_t: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e10_rnd_share_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e11_patents: Option<f64>,
}

impl Default for AbsoluteBenchmarks {
    fn default() -> Self {
        AbsoluteBenchmarks {
            e1_output_wan: None,
            e2_investment_wan: None,
            e3_tax_wan: None,
            e4_output_per_mu: None,
            e5_investment_per_mu: Some(599.0),
            e6_tax_per_mu: Some(45.0),
            e7_energy_per_va: None,
            e8_water_per_va: None,
            e9_pollutant_t: None,
            e10_rnd_share_pct: None,
            e11_patents: None,
        }
    }
}

impl AbsoluteBenchmarks {
    /// The configured benchmark of `indicator`.
    pub fn get(&self, indicator: Indicator) -> Option<f64> {
        match indicator {
            Indicator::E1 => self.e1_output_wan,
            Indicator::E2 => self.e2_investment_wan,
            Indicator::E3 => self.e3_tax_wan,
            Indicator::E4 => self.e4_output_per_mu,
            Indicator::E5 => self.e5_investment_per_mu,
            Indicator::E6 => self.e6_tax_per_mu,
            Indicator::E7 => self.e7_energy_per_va,
            Indicator::E8 => self.e8_water_per_va,
            Indicator::E9 => self.e9_pollutant_t,
            Indicator::E10 => self.e10_rnd_share_pct,
            Indicator::E11 => self.e11_patents,
        }
    }
}

/// Group weights (`[evaluation.weights]`). Only their proportions matter:
/// they are divided by their sum. Within a group the indicators weigh the
/// same.
///
/// Defaults: efficiency (E4–E6, the per-mu figures) 0.4, the other three
/// groups 0.2 each. The policy weighs nothing; the per-mu group gets the
/// largest share because it is what E12 and the consolidation of Annex 1 §3
/// act on (单位面积投资强度和产出效益), as in the 亩均效益 evaluations that
/// put per-mu figures first.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GroupWeights {
    /// Total indicators E1–E3. Default 0.2.
    pub total: f64,
    /// Efficiency indicators E4–E6. Default 0.4.
    pub efficiency: f64,
    /// Green indicators E7–E9. Default 0.2.
    pub green: f64,
    /// Innovation indicators E10–E11. Default 0.2.
    pub innovation: f64,
}

impl Default for GroupWeights {
    fn default() -> Self {
        GroupWeights { total: 0.2, efficiency: 0.4, green: 0.2, innovation: 0.2 }
    }
}

impl GroupWeights {
    /// The weight of `group`.
    pub fn get(&self, group: Group) -> f64 {
        match group {
            Group::Total => self.total,
            Group::Efficiency => self.efficiency,
            Group::Green => self.green,
            Group::Innovation => self.innovation,
        }
    }
}

/// Shares of graded parks per grade (`[evaluation.grades]`); D takes the
/// rest. Defaults A 0.20, B 0.40, C 0.35 (D 0.05), the split of the
/// 亩均效益 classifications of Jiangsu and Shandong. How the shares become
/// rank cut-offs: [`score::grade_cutoffs`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GradeShares {
    /// Share graded A (top). Default 0.20.
    pub a: f64,
    /// Share graded B (next). Default 0.40.
    pub b: f64,
    /// Share graded C (next). Default 0.35.
    pub c: f64,
}

impl Default for GradeShares {
    fn default() -> Self {
        GradeShares { a: 0.20, b: 0.40, c: 0.35 }
    }
}

/// Under-performing parks (E12, `[evaluation.underperforming]`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UnderperformingConfig {
    /// `"either"` (default): a park is under-performing when E4 or E5 is
    /// below its level; `"both"`: only when both are. The policy's
    /// 单位面积投资强度和产出效益达不到要求 sets two requirements; the default
    /// reads missing one of them as not meeting the requirements. The tool
    /// only proposes merges for review, so it errs towards listing a park.
    pub mode: UnderperformingMode,
    /// Required output per mu (E4), 万元/亩. Default `{ share_of_median = 0.5 }`.
    pub e4_output_per_mu: Level,
    /// Required investment per mu (E5), 万元/亩. Default `{ share_of_median = 0.5 }`.
    pub e5_investment_per_mu: Level,
}

impl Default for UnderperformingConfig {
    fn default() -> Self {
        UnderperformingConfig {
            mode: UnderperformingMode::Either,
            e4_output_per_mu: Level::ShareOfMedian(0.5),
            e5_investment_per_mu: Level::ShareOfMedian(0.5),
        }
    }
}

/// Whether failing one or both E12 levels makes a park under-performing.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnderperformingMode {
    /// Below either level (default).
    #[default]
    Either,
    /// Below both levels.
    Both,
}

/// A required level: an absolute figure, or a share of the median of the
/// evaluated parks. In TOML: `{ absolute = 300 }` or `{ share_of_median = 0.5 }`.
///
/// The default levels are relative (half the median): the policy fixes no
/// figure, and a national average is a line most parks of a western region
/// would miss. Set absolute levels when the region fixes them.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// An absolute level in the indicator's unit.
    Absolute(f64),
    /// A share of the median of the evaluated parks reporting the indicator.
    ShareOfMedian(f64),
}

/// A scale class (E13): its name and the least E1 it takes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScaleClass {
    /// Name printed in `scale_class`.
    pub name: String,
    /// Least industrial output (E1, 万元) of the class, inclusive.
    pub min_output_wan: f64,
}

impl EvaluationConfig {
    /// Checks the values serde cannot: finite, non-negative, shares ≤ 1.
    /// The message names the key. [`evaluate`] never panics on a config that
    /// fails this check, but its results would not mean much.
    pub fn check(&self) -> Result<(), String> {
        let nonneg = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("evaluation.{name} = {v}: must be a number ≥ 0"))
            }
        };
        if !(self.ratio_cap.is_finite() && self.ratio_cap > 0.0) {
            return Err(format!("evaluation.ratio_cap = {}: must be a number > 0", self.ratio_cap));
        }
        for g in Group::ALL {
            nonneg(&format!("weights.{}", g.name()), self.weights.get(g))?;
        }
        if Group::ALL.iter().map(|g| self.weights.get(*g)).sum::<f64>() <= 0.0 {
            return Err("evaluation.weights: at least one group weight must be > 0".into());
        }
        for (k, v) in [("a", self.grades.a), ("b", self.grades.b), ("c", self.grades.c)] {
            nonneg(&format!("grades.{k}"), v)?;
        }
        if self.grades.a + self.grades.b + self.grades.c > 1.0 + 1e-9 {
            return Err("evaluation.grades: a + b + c must not exceed 1 (D takes the rest)".into());
        }
        for i in Indicator::ALL {
            if let Some(v) = self.benchmarks.get(i) {
                if !(v.is_finite() && v > 0.0) {
                    return Err(format!("evaluation.benchmarks.{} = {v}: must be a number > 0", i.name()));
                }
            }
        }
        for (k, l) in [
            ("e4_output_per_mu", self.underperforming.e4_output_per_mu),
            ("e5_investment_per_mu", self.underperforming.e5_investment_per_mu),
        ] {
            let (Level::Absolute(v) | Level::ShareOfMedian(v)) = l;
            nonneg(&format!("underperforming.{k}"), v)?;
        }
        let mut names = BTreeSet::new();
        for c in &self.scale_classes {
            if c.name.trim().is_empty() || !names.insert(c.name.as_str()) {
                return Err(format!("evaluation.scale_classes: class name `{}` is empty or repeated", c.name));
            }
            nonneg(&format!("scale_classes.{}.min_output_wan", c.name), c.min_output_wan)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- results

/// Where the built-up area of a park came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BuiltupSource {
    /// Measured from the built-up layer.
    Measured,
    /// The typed-in figure (no built-up layer).
    Declared,
    /// Neither: the per-mu indicators are not computable.
    None,
}

impl BuiltupSource {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            BuiltupSource::Measured => "measured",
            BuiltupSource::Declared => "declared",
            BuiltupSource::None => "none",
        }
    }
}

/// One park's evaluation: a row of `indicators.csv`, the evaluation
/// properties of `parks.geojson` (DATA.md names). Decimals serialise as
/// JSON numbers; `None` as `null` (or an empty CSV cell).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParkIndicators {
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// County adcode.
    pub county_adcode: Option<String>,
    /// League/city adcode.
    pub league_adcode: Option<String>,
    /// `false` for S2 out-of-scope parks, which have no indicator, score or grade.
    pub in_scope: bool,
    /// The built-up area the per-mu indicators divide by, mu (6 decimals).
    pub builtup_mu: Option<f64>,
    /// Where `builtup_mu` came from.
    pub builtup_source: BuiltupSource,
    /// E1 industrial gross output value, 万元.
    #[serde(serialize_with = "as_number")]
    pub e1_output_wan: Option<Decimal>,
    /// E2 industrial fixed-asset investment of the year, 万元.
    #[serde(serialize_with = "as_number")]
    pub e2_investment_wan: Option<Decimal>,
    /// E3 total tax, 万元.
    #[serde(serialize_with = "as_number")]
    pub e3_tax_wan: Option<Decimal>,
    /// E4 output per built-up mu, 万元/亩.
    #[serde(serialize_with = "as_number")]
    pub e4_output_per_mu: Option<Decimal>,
    /// E5 investment per built-up mu, 万元/亩.
    #[serde(serialize_with = "as_number")]
    pub e5_investment_per_mu: Option<Decimal>,
    /// E6 tax per built-up mu, 万元/亩.
    #[serde(serialize_with = "as_number")]
    pub e6_tax_per_mu: Option<Decimal>,
    /// E7 energy per unit of industrial value added, tce/万元.
    #[serde(serialize_with = "as_number")]
    pub e7_energy_per_va: Option<Decimal>,
    /// E8 water per unit of industrial value added, m³/万元.
    #[serde(serialize_with = "as_number")]
    pub e8_water_per_va: Option<Decimal>,
    /// E9 main pollutant emissions, t.
    #[serde(serialize_with = "as_number")]
    pub e9_pollutant_t: Option<Decimal>,
    /// E10 R&D expenditure as a share of main business revenue, %.
    #[serde(serialize_with = "as_number")]
    pub e10_rnd_share_pct: Option<Decimal>,
    /// E11 invention patents granted in the year.
    #[serde(serialize_with = "as_number")]
    pub e11_patents: Option<Decimal>,
    /// Score ([`score`]); `None` for out-of-scope parks or without statistics.
    #[serde(serialize_with = "as_number")]
    pub score: Option<Decimal>,
    /// Rank by score (1 = best; ties by park_id).
    pub rank: Option<usize>,
    /// Grade by rank.
    pub grade: Option<Grade>,
    /// E12; `None` when it could not be judged (a finding says why).
    pub underperforming: Option<bool>,
    /// E13 scale class name.
    pub scale_class: Option<String>,
    /// T1 contact tier.
    pub contact_tier: Option<ContactTier>,
}

impl ParkIndicators {
    /// The value of `indicator`.
    pub fn get(&self, indicator: Indicator) -> Option<Decimal> {
        match indicator {
            Indicator::E1 => self.e1_output_wan,
            Indicator::E2 => self.e2_investment_wan,
            Indicator::E3 => self.e3_tax_wan,
            Indicator::E4 => self.e4_output_per_mu,
            Indicator::E5 => self.e5_investment_per_mu,
            Indicator::E6 => self.e6_tax_per_mu,
            Indicator::E7 => self.e7_energy_per_va,
            Indicator::E8 => self.e8_water_per_va,
            Indicator::E9 => self.e9_pollutant_t,
            Indicator::E10 => self.e10_rnd_share_pct,
            Indicator::E11 => self.e11_patents,
        }
    }

    /// The eleven values in the order of [`Indicator::ALL`].
    pub fn values(&self) -> [Option<Decimal>; Indicator::COUNT] {
        Indicator::ALL.map(|i| self.get(i))
    }

    fn unscored(facts: &ParkFacts, builtup: Option<f64>, source: BuiltupSource) -> ParkIndicators {
        ParkIndicators {
            park_id: facts.park_id.clone(),
            park_name: facts.park_name.clone(),
            county_adcode: facts.county_adcode.clone(),
            league_adcode: facts.league_adcode.clone(),
            in_scope: facts.in_scope,
            builtup_mu: builtup,
            builtup_source: source,
            e1_output_wan: None,
            e2_investment_wan: None,
            e3_tax_wan: None,
            e4_output_per_mu: None,
            e5_investment_per_mu: None,
            e6_tax_per_mu: None,
            e7_energy_per_va: None,
            e8_water_per_va: None,
            e9_pollutant_t: None,
            e10_rnd_share_pct: None,
            e11_patents: None,
            score: None,
            rank: None,
            grade: None,
            underperforming: None,
            scale_class: None,
            contact_tier: None,
        }
    }

    fn set_values(&mut self, v: [Option<Decimal>; Indicator::COUNT]) {
        [
            self.e1_output_wan,
            self.e2_investment_wan,
            self.e3_tax_wan,
            self.e4_output_per_mu,
            self.e5_investment_per_mu,
            self.e6_tax_per_mu,
            self.e7_energy_per_va,
            self.e8_water_per_va,
            self.e9_pollutant_t,
            self.e10_rnd_share_pct,
            self.e11_patents,
        ] = v;
    }
}

/// Serialises a decimal as a JSON number (rust_decimal would write a string).
fn as_number<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    use rust_decimal::prelude::ToPrimitive;
    match v.and_then(|d| d.to_f64()) {
        Some(x) => s.serialize_some(&x),
        None => s.serialize_none(),
    }
}

/// The result of [`evaluate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// One entry per park, in park_id order, out-of-scope parks included.
    pub parks: Vec<ParkIndicators>,
    /// Leading-industry share of each valid block (P2, 0..1, 4 decimals);
    /// `None` where it is not computable or the park is out of scope.
    /// Key: block_id (`leading_share` of blocks.geojson).
    pub leading_share: BTreeMap<String, Option<Decimal>>,
    /// The benchmark each indicator was scored against, in indicator order;
    /// empty when nothing was scored.
    pub benchmarks: Vec<Benchmark>,
    /// The E12 levels used.
    pub required_levels: RequiredLevels,
    /// The rank cut-offs of the grades.
    pub grade_cutoffs: GradeCutoffs,
    /// Findings, grouped by park in park_id order (findings about no park
    /// first), in the order they were found within a park.
    pub findings: Vec<Finding>,
}

// -------------------------------------------------------------- the stage

/// Evaluates `parks` against the statistics `stats` (`None` = no table: only
/// P1 is checked, nothing is scored).
///
/// Out-of-scope parks (S2) are listed with `in_scope = false` and no
/// indicator, score or grade; their statistics rows are ignored. Every
/// indicator that cannot be computed is `None` with a finding saying why.
pub fn evaluate(parks: &[ParkFacts], stats: Option<&StatsTable>, cfg: &EvaluationConfig) -> Evaluation {
    let mut order: Vec<&ParkFacts> = parks.iter().collect();
    order.sort_by(|a, b| a.park_id.cmp(&b.park_id));

    let mut findings: Vec<Finding> = Vec::new();
    let rows = match stats {
        Some(t) => assign_rows(t, &order, &mut findings),
        None => {
            if order.iter().any(|p| p.in_scope) {
                findings.push(Finding::new(
                    D6,
                    Severity::Warning,
                    "no statistics table was given: the eleven indicators (E1–E11), scores, grades, E12, E13 and \
                     T1 are not computed. Put stats.csv in the layers folder to evaluate the parks",
                ));
            }
            BTreeMap::new()
        }
    };

    let mut out = Vec::with_capacity(order.len());
    let mut leading_share = BTreeMap::new();
    for facts in &order {
        let (builtup, source) = indicators::resolve_builtup(facts);
        let builtup_out = builtup.as_ref().map(|b| b.mu_f64());
        let mut park = ParkIndicators::unscored(facts, builtup_out, source);
        for b in &facts.block_ids {
            leading_share.insert(b.clone(), None);
        }
        if facts.in_scope {
            findings.extend(indicators::check_p1(facts));
            if let Some(table) = stats {
                let park_rows = rows.get(facts.park_id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                let (values, f) = indicators::park_indicators(facts, park_rows, table, builtup.as_ref());
                park.set_values(values);
                findings.extend(f);
                let (shares, f) = indicators::leading_shares(facts, park_rows);
                findings.extend(f);
                leading_share.extend(shares);
            }
        }
        out.push(park);
    }

    let mut eval = Evaluation {
        parks: out,
        leading_share,
        benchmarks: Vec::new(),
        required_levels: RequiredLevels::default(),
        grade_cutoffs: GradeCutoffs::default(),
        findings: Vec::new(),
    };
    if stats.is_some() {
        score::score_and_grade(&mut eval, cfg);
        findings.extend(classify::classify(&mut eval, cfg));
    }
    // Group by park (stable: the order of finding within a park is kept).
    findings.sort_by(|a, b| a.park_id.cmp(&b.park_id));
    eval.findings = findings;
    eval
}

/// Sorts the usable rows by park; rows naming an unknown park or block, or a
/// block of another park, are reported (D6) and left out.
fn assign_rows<'t>(
    table: &'t StatsTable,
    parks: &[&ParkFacts],
    findings: &mut Vec<Finding>,
) -> BTreeMap<&'t str, Vec<&'t StatsRow>> {
    let known: BTreeSet<&str> = parks.iter().map(|p| p.park_id.as_str()).collect();
    let block_park: BTreeMap<&str, &str> =
        parks.iter().flat_map(|p| p.block_ids.iter().map(|b| (b.as_str(), p.park_id.as_str()))).collect();
    let mut by_park: BTreeMap<&str, Vec<&StatsRow>> = BTreeMap::new();
    for row in &table.rows {
        let loc = crate::findings::Location { file: table.file.clone(), line: Some(row.line), ..Default::default() };
        let problem = if !known.contains(row.park_id.as_str()) {
            Some(format!(
                "{} line {}: park {} is not in the parks layer; the row is not counted. Check the park id, or add \
                 the park's blocks to the parks layer",
                table.file_name(),
                row.line,
                row.park_id
            ))
        } else {
            match row.block_id.as_deref().map(|b| (b, block_park.get(b))) {
                Some((b, None)) => Some(format!(
                    "{} line {}: block {b} is not a valid block of park {} (it is not in the parks layer, or its \
                     feature was rejected: see the D findings); the row is not counted, so that no output is \
                     divided by a built-up area it does not belong to. Check the block id",
                    table.file_name(),
                    row.line,
                    row.park_id
                )),
                Some((b, Some(owner))) if *owner != row.park_id => Some(format!(
                    "{} line {}: block {b} belongs to park {owner} in the parks layer, not to park {}; the row is \
                     not counted. Correct the park id or the block id",
                    table.file_name(),
                    row.line,
                    row.park_id
                )),
                _ => None,
            }
        };
        match problem {
            Some(message) => findings.push(
                Finding::new(D6, Severity::Warning, message)
                    .park(row.park_id.clone())
                    .block_opt(row.block_id.as_deref())
                    .at(loc),
            ),
            None => by_park.entry(row.park_id.as_str()).or_default().push(row),
        }
    }
    by_park
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn an_empty_file_gives_the_documented_defaults() {
        let c = Config::from_toml("", "yuanqu.toml").expect("defaults").evaluation;
        assert_eq!(c.benchmark_mode, BenchmarkMode::Median);
        assert_eq!(c.ratio_cap, 2.0);
        assert_eq!(
            (c.weights.total, c.weights.efficiency, c.weights.green, c.weights.innovation),
            (0.2, 0.4, 0.2, 0.2)
        );
        assert_eq!((c.grades.a, c.grades.b, c.grades.c), (0.2, 0.4, 0.35));
        assert_eq!((c.benchmarks.e5_investment_per_mu, c.benchmarks.e6_tax_per_mu), (Some(599.0), Some(45.0)));
        assert_eq!(c.benchmarks.e4_output_per_mu, None);
        assert_eq!(c.underperforming.mode, UnderperformingMode::Either);
        assert_eq!(c.underperforming.e4_output_per_mu, Level::ShareOfMedian(0.5));
        let classes: Vec<_> = c.scale_classes.iter().map(|s| (s.name.as_str(), s.min_output_wan)).collect();
        assert_eq!(classes, vec![("large", 5_000_000.0), ("medium", 1_000_000.0), ("small", 0.0)]);
        assert_eq!(c.check(), Ok(()));
    }

    #[test]
    fn every_key_can_be_set() {
        let text = r#"
[evaluation]
benchmark_mode = "absolute"
ratio_cap = 3
weights = { total = 1, efficiency = 1, green = 1, innovation = 1 }
grades = { a = 0.1, b = 0.5, c = 0.3 }
scale_classes = [{ name = "I", min_output_wan = 100 }, { name = "II", min_output_wan = 0 }]
[evaluation.benchmarks]
e4_output_per_mu = 300
[evaluation.underperforming]
mode = "both"
e4_output_per_mu = { absolute = 150 }
e5_investment_per_mu = { share_of_median = 0.3 }
"#;
        let c = Config::from_toml(text, "yuanqu.toml").expect("valid").evaluation;
        assert_eq!(c.benchmark_mode, BenchmarkMode::Absolute);
        assert_eq!(c.benchmarks.e4_output_per_mu, Some(300.0));
        assert_eq!(c.benchmarks.e5_investment_per_mu, Some(599.0), "unset keys keep their default");
        assert_eq!(c.underperforming.mode, UnderperformingMode::Both);
        assert_eq!(c.underperforming.e4_output_per_mu, Level::Absolute(150.0));
        assert_eq!(c.underperforming.e5_investment_per_mu, Level::ShareOfMedian(0.3));
        assert_eq!(c.scale_classes.len(), 2);
        assert_eq!(c.check(), Ok(()));
        // The configuration round-trips through TOML (run.json / report print it).
        let back: EvaluationConfig = toml::from_str(&toml::to_string(&c).expect("serialises")).expect("parses");
        assert_eq!(back, c);
    }

    #[test]
    fn misspelt_keys_are_errors() {
        for text in [
            "[evaluation]\nbenchmark_mod = \"median\"\n",
            "[evaluation.benchmarks]\ne4_output_per_mu_ = 1\n",
            "[evaluation.underperforming]\nmode = \"one\"\n",
        ] {
            assert!(Config::from_toml(text, "y.toml").is_err(), "{text}");
        }
    }

    #[test]
    fn check_names_the_bad_key() {
        let bad_grades = EvaluationConfig { grades: GradeShares { a: 0.2, b: 0.4, c: 0.5 }, ..Default::default() };
        assert!(bad_grades.check().unwrap_err().contains("grades"));
        let bad_cap = EvaluationConfig { ratio_cap: 0.0, ..Default::default() };
        assert!(bad_cap.check().unwrap_err().contains("ratio_cap"));
        let bad_bench = EvaluationConfig {
            benchmarks: AbsoluteBenchmarks { e7_energy_per_va: Some(-1.0), ..Default::default() },
            ..Default::default()
        };
        assert!(bad_bench.check().unwrap_err().contains("e7_energy_per_va"));
        let bad_level = EvaluationConfig {
            underperforming: UnderperformingConfig {
                e5_investment_per_mu: Level::Absolute(f64::NAN),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(bad_level.check().unwrap_err().contains("e5_investment_per_mu"));
    }

    #[test]
    fn without_statistics_only_p1_is_checked() {
        let parks = [
            ParkFacts { park_id: "A".into(), in_scope: true, block_ids: vec!["A-1".into()], ..ParkFacts::default() },
            ParkFacts { park_id: "L".into(), in_scope: false, ..ParkFacts::default() },
        ];
        let e = evaluate(&parks, None, &EvaluationConfig::default());
        assert_eq!(e.parks.len(), 2);
        assert!(e.parks.iter().all(|p| p.score.is_none() && p.grade.is_none()));
        let rules: Vec<_> = e.findings.iter().map(|f| (f.rule, f.park_id.as_deref())).collect();
        assert_eq!(rules, vec![("D6", None), ("P1", Some("A"))], "one note, then A's missing leading industry");
        assert_eq!(e.leading_share.get("A-1"), Some(&None));
    }

    #[test]
    fn serialises_with_data_md_names_and_numbers() {
        let (parks, text) = score::tests::hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let e = evaluate(&parks, Some(&t), &EvaluationConfig::default());
        let v = serde_json::to_value(&e.parks[9]).expect("json");
        assert_eq!(v["park_id"], "P10");
        assert_eq!(v["e7_energy_per_va"], serde_json::json!(3.0));
        assert_eq!(v["e8_water_per_va"], serde_json::json!(10.0));
        assert_eq!(v["builtup_source"], "measured");
        assert_eq!(v["contact_tier"], "county");
        assert!(v["score"].is_number() && v["grade"].is_string(), "{v}");
        let p04 = serde_json::to_value(&e.parks[3]).expect("json");
        assert!(p04["e8_water_per_va"].is_null());
        for i in Indicator::ALL {
            assert!(v.get(i.name()).is_some(), "{}", i.name());
        }
        // and as a CSV record (indicators.csv): flat, no nested values.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(&e.parks[3]).expect("a flat record");
        let out = String::from_utf8(w.into_inner().expect("flushed")).expect("utf-8");
        assert!(
            out.starts_with(
                "park_id,park_name,county_adcode,league_adcode,in_scope,builtup_mu,builtup_source,e1_output_wan"
            ),
            "{out}"
        );
    }

    #[test]
    fn findings_are_grouped_by_park_in_park_order() {
        let (parks, text) = score::tests::hand_table();
        let t = parse_stats(&format!("{text}ZZ,,1,,,,,,,,,,\n"), "stats.csv", &BTreeMap::new()).expect("usable").0;
        let e = evaluate(&parks, Some(&t), &EvaluationConfig::default());
        let ids: Vec<_> = e.findings.iter().map(|f| f.park_id.clone()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(e.findings.iter().any(|f| f.park_id.as_deref() == Some("ZZ") && f.rule == "D6"));
        // deterministic: the same input gives the same findings
        assert_eq!(evaluate(&parks, Some(&t), &EvaluationConfig::default()).findings, e.findings);
    }
}
