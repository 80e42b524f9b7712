/*!
The planner commands: check a proposed park before it is approved
([`proposal`]), and find the parks that could take a project ([`place`]).

Both answer a planner's question about something that does not exist yet,
against the parks that do. They read the same layers folder and
configuration as `analyze` ([`Inputs`]), run the same stages
([`crate::pipeline::run`], and for `place` the evaluation and consolidation
of [`crate::commands::run_all`]), and write nothing unless asked: the result
is a report value that the binary prints as text or JSON.

Every line of a report is a [`Finding`] and names its rule id and clause
([`crate::rules`]); the exit code follows from the worst of them
([`exit_code`]).
*/

pub mod place;
pub mod proposal;

use crate::commands::CommandError;
use crate::config::Config;
use crate::findings::{Finding, Severity};
use crate::geom::distance::{closest_points, Closest};
use crate::geom::nearest::ParkIndex;
use crate::layers::discover::{discover, Named};
use crate::output::WriteError;
use crate::pipeline::{Request, RunError};
use crate::units::round_to;
use geo::MultiPolygon;
use std::fmt;
use std::path::PathBuf;

/// Where the layers and the configuration come from: the same inputs as
/// `analyze` (a folder, files named with flags, `--crs`, `--repair`).
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The layers folder.
    pub layers_dir: Option<PathBuf>,
    /// Inputs named explicitly (they win over the folder).
    pub named: Named,
    /// CRS for sources that carry none.
    pub crs: Option<String>,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
}

impl Inputs {
    /// Finds the layers and reads the configuration, as `analyze` does.
    pub fn request(&self) -> Result<Request, RunError> {
        let layers = discover(self.layers_dir.as_deref(), &self.named)?;
        let config = match &layers.config {
            Some(p) => Config::load(p).map_err(RunError::Config)?,
            None => Config::default(),
        };
        // a proposal is checked against every zone; no run.json, no digests
        Ok(Request {
            layers,
            config,
            crs: self.crs.clone(),
            repair: self.repair,
            keep_zone_geometry: true,
            digest_layers: false,
        })
    }
}

/// Why a planner command could not answer (exit code 2).
#[derive(Debug)]
pub enum PlanError {
    /// The layers or the configuration could not be used.
    Run(RunError),
    /// The evaluation or consolidation could not run.
    Command(CommandError),
    /// The proposal file could not be used.
    Proposal {
        /// The proposal file.
        file: String,
        /// What is wrong, one line per problem.
        problems: Vec<String>,
        /// What to do about it.
        hint: String,
    },
    /// A value given on the command line cannot be used.
    Usage(String),
    /// The conflicts file could not be written.
    Write(WriteError),
    /// The review sheet (`--map`) could not be drawn or written.
    Map(crate::maps::MapError),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Run(e) => e.fmt(f),
            PlanError::Command(e) => e.fmt(f),
            PlanError::Proposal { file, problems, hint } => {
                write!(f, "{file}: the proposal cannot be checked")?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                write!(f, "\nhint: {hint}")
            }
            PlanError::Usage(m) => f.write_str(m),
            PlanError::Write(e) => e.fmt(f),
            PlanError::Map(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PlanError {}

impl From<RunError> for PlanError {
    fn from(e: RunError) -> Self {
        PlanError::Run(e)
    }
}

impl From<CommandError> for PlanError {
    fn from(e: CommandError) -> Self {
        PlanError::Command(e)
    }
}

impl From<WriteError> for PlanError {
    fn from(e: WriteError) -> Self {
        PlanError::Write(e)
    }
}

/// How a report ends: the worst severity among its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No violation and no warning.
    Compliant,
    /// Warnings (e.g. a restricted zone, Z1, which needs a justification), no violation.
    Warnings,
    /// At least one violation.
    Violations,
}

impl Verdict {
    /// The verdict of a list of findings.
    pub fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Violation) {
            Verdict::Violations
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            Verdict::Warnings
        } else {
            Verdict::Compliant
        }
    }

    /// The verdict as a planner reads it.
    pub fn sentence(self) -> &'static str {
        match self {
            Verdict::Compliant => "compliant",
            Verdict::Warnings => "compliant with warnings (each needs a justification or a look)",
            Verdict::Violations => "not compliant",
        }
    }
}

/// The exit code of a verdict: 0 compliant, 1 violations, and 1 for warnings
/// when `strict`. (2, unusable input, comes from a [`PlanError`].)
pub fn exit_code(v: Verdict, strict: bool) -> u8 {
    match v {
        Verdict::Violations => 1,
        Verdict::Warnings if strict => 1,
        _ => 0,
    }
}

/// Points in the answers are rounded to 1e-7 degrees (about 1 cm).
pub const COORD_DECIMALS: i32 = 7;

/// Distances equal when rounded to the millimetre are ties (as in
/// [`crate::geom::nearest`]); ties go to the lower position.
const TIE_DECIMALS: i32 = 3;

/// The `k` geometries of `geoms` nearest to `query` by geodesic boundary
/// distance, nearest first, among the positions `accept` lets through; ties
/// (to the millimetre) go to the lower position.
///
/// Walks the R-tree of `index` (built over `geoms`, same order) by ECEF lower
/// bound and stops once the bound exceeds the `k`-th distance found, so the
/// result is that of computing every distance.
pub fn nearest_k(
    index: &ParkIndex<'_>,
    geoms: &[&MultiPolygon<f64>],
    query: &MultiPolygon<f64>,
    k: usize,
    accept: impl Fn(usize) -> bool,
) -> Vec<(usize, Closest)> {
    let mut found: Vec<(usize, Closest)> = Vec::new();
    if k == 0 {
        return found;
    }
    let key = |c: &Closest| round_to(c.distance.0, TIE_DECIMALS);
    for cand in index.nearest_candidates(query) {
        if found.len() == k && found.last().is_some_and(|(_, c)| round_to(cand.lower_bound.0, TIE_DECIMALS) > key(c)) {
            break;
        }
        if !accept(cand.index) {
            continue;
        }
        let Some(c) = geoms.get(cand.index).and_then(|g| closest_points(query, g)) else { continue };
        let at = found.partition_point(|(i, f)| (key(f), *i) < (key(&c), cand.index));
        found.insert(at, (cand.index, c));
        found.truncate(k);
    }
    found
}

/// A distance for people: metres below 10 km, else km with one decimal.
pub(crate) fn distance_text(m: f64) -> String {
    if m < 10_000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]])
    }

    /// Against brute force: every distance computed, sorted by (mm, position).
    #[test]
    fn nearest_k_agrees_with_computing_every_distance() {
        let mut rng = crate::geom::testkit::Rng(0x9_1a77e5);
        let geoms: Vec<MultiPolygon<f64>> = (0..40)
            .map(|_| {
                let (x, y) = (rng.range(108.0, 112.0), rng.range(39.0, 42.0));
                rect(x, y, x + 0.01, y + 0.01)
            })
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = geoms.iter().collect();
        let index = ParkIndex::new(refs.iter().copied());
        let query = rect(110.0, 40.0, 110.02, 40.02);
        for k in [0, 1, 3, 7, 40, 50] {
            let accept = |i: usize| i % 3 != 1;
            let got: Vec<usize> = nearest_k(&index, &refs, &query, k, accept).into_iter().map(|(i, _)| i).collect();
            let mut all: Vec<(f64, usize)> = (0..geoms.len())
                .filter(|&i| accept(i))
                .map(|i| (round_to(closest_points(&query, &geoms[i]).unwrap().distance.0, 3), i))
                .collect();
            all.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let want: Vec<usize> = all.into_iter().take(k).map(|(_, i)| i).collect();
            assert_eq!(got, want, "k = {k}");
        }
    }

    #[test]
    fn verdicts_and_exit_codes() {
        use crate::rules::{L3, Z1};
        let w = Finding::new(Z1, Severity::Warning, "w");
        let v = Finding::new(L3, Severity::Violation, "v");
        let i = Finding::new(L3, Severity::Info, "i");
        assert_eq!(Verdict::of(std::slice::from_ref(&i)), Verdict::Compliant);
        assert_eq!(Verdict::of(&[i.clone(), w.clone()]), Verdict::Warnings);
        assert_eq!(Verdict::of(&[w, v, i]), Verdict::Violations);
        assert_eq!(exit_code(Verdict::Compliant, true), 0);
        assert_eq!(exit_code(Verdict::Warnings, false), 0);
        assert_eq!(exit_code(Verdict::Warnings, true), 1);
        assert_eq!(exit_code(Verdict::Violations, false), 1);
    }
}
