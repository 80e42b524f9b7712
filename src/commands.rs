//! The commands behind the `yuanqu` binary, as library calls with typed
//! options (the binary only parses flags into these and prints).

use crate::config::Config;
use crate::findings::Severity;
use crate::layers::discover::{discover, Named};
use crate::output::{self, features, run_json, tables, OutputSet, WriteError};
use crate::pipeline::{self, Analysis, Request, RunError};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Which part of the analysis a command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Zoning only: areas, overlaps, layout rules.
    Check,
    /// Everything.
    Analyze,
}

impl Scope {
    /// The command name.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Check => "check",
            Scope::Analyze => "analyze",
        }
    }
}

/// Output formats beyond GeoJSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON (always written).
    GeoJson,
    /// GeoPackage (`results.gpkg`, one layer per GeoJSON file).
    Gpkg,
    /// Shapefiles in `shp/`.
    Shp,
}

/// Options of `analyze` and `check`.
#[derive(Clone, Debug)]
pub struct Options {
    /// The layers folder.
    pub layers_dir: Option<PathBuf>,
    /// Inputs named explicitly.
    pub named: Named,
    /// The output folder.
    pub out: PathBuf,
    /// CRS for sources that carry none.
    pub crs: Option<String>,
    /// Repair invalid polygons.
    pub repair: bool,
    /// Extra formats.
    pub formats: Vec<Format>,
    /// Fail (exit 1) on findings at or above this severity.
    pub fail_on: Option<Severity>,
    /// What to run.
    pub scope: Scope,
}

/// What a command did.
pub struct Outcome {
    /// The analysis.
    pub analysis: Analysis,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Whether `--fail-on` was triggered.
    pub failed_on: bool,
}

/// Why a command could not run (exit code 2).
#[derive(Debug)]
pub enum CommandError {
    /// The analysis could not run.
    Run(RunError),
    /// The outputs could not be written.
    Write(WriteError),
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::Run(e) => e.fmt(f),
            CommandError::Write(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CommandError {}

impl From<RunError> for CommandError {
    fn from(e: RunError) -> Self {
        CommandError::Run(e)
    }
}

impl From<WriteError> for CommandError {
    fn from(e: WriteError) -> Self {
        CommandError::Write(e)
    }
}

/// Builds the request: finds the layers and reads the configuration.
pub fn request(o: &Options) -> Result<Request, RunError> {
    let layers = discover(o.layers_dir.as_deref(), &o.named)?;
    let config = match &layers.config {
        Some(p) => Config::load(p).map_err(RunError::Config)?,
        None => Config::default(),
    };
    Ok(Request { layers, config, crs: o.crs.clone(), repair: o.repair })
}

/// Runs `analyze` or `check` and writes the output folder.
pub fn analyze(o: &Options) -> Result<Outcome, CommandError> {
    // fail early on an unwritable output folder, before any work
    let mut out = OutputSet::new(&o.out)?;
    let req = request(o)?;
    let analysis = pipeline::run(&req)?;
    let extra: Vec<Map<String, Value>> = analysis.parks.iter().map(|_| Map::new()).collect();
    write_geojson(&mut out, "blocks.geojson", features::blocks(&analysis, &|_| None))?;
    write_geojson(&mut out, "overlaps.geojson", features::overlaps(&analysis))?;
    write_geojson(&mut out, "parks.geojson", features::parks(&analysis, &extra))?;
    out.write("findings.csv", |w| tables::findings_csv(w, &analysis.findings))?;
    out.write("findings.json", |w| tables::findings_json(w, &analysis.findings))?;
    let names = ["blocks.geojson", "overlaps.geojson", "parks.geojson", "findings.csv", "findings.json", "run.json"];
    let counts = pipeline::severity_counts(&analysis.findings);
    let info = run_json::RunInfo {
        tool: format!("yuanqu {}", env!("CARGO_PKG_VERSION")),
        command: o.scope.name(),
        inputs: run_json::inputs(&req.layers),
        config: &req.config,
        account: &analysis.account,
        findings: run_json::FindingCounts { violation: counts[0], warning: counts[1], info: counts[2] },
        outputs: names.iter().map(|s| s.to_string()).collect(),
        shapefile_fields: Vec::new(),
        timestamp: timestamp(),
    };
    out.write("run.json", |w| run_json::write(w, &info))?;
    let written = out.commit()?;
    let failed_on = o.fail_on.is_some_and(|s| analysis.findings.iter().any(|f| f.severity <= s));
    Ok(Outcome { analysis, written, failed_on })
}

fn write_geojson(
    out: &mut OutputSet,
    name: &str,
    feats: impl Iterator<Item = (Map<String, Value>, Option<geo::Geometry<f64>>)>,
) -> Result<(), WriteError> {
    out.write(name, |w| output::geojson::write_collection(w, feats))
}

/// UTC time of the run, RFC 3339, from the system clock.
fn timestamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // civil-from-days (Howard Hinnant), proleptic Gregorian
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
