//! The commands behind the `yuanqu` binary, as library calls with typed
//! options (the binary only parses flags into these and prints).

use crate::config::Config;
use crate::findings::Severity;
use crate::layers::discover::{discover, Named};
use crate::output::atomic::Fill;
use crate::output::{self, features, report, run_json, tables, OutFeature, OutputSet, WriteError};
use crate::pipeline::{self, Analysis, Request, RunError};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

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

/// Formats written besides GeoJSON (through GDAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GeoPackage, `results.gpkg`, one layer per output file.
    Gpkg,
    /// Shapefiles in `shp/`, UTF-8 `.cpg`, field names cut to 10 characters (mapped in run.json).
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
    /// Also write GeoPackage (`results.gpkg`) and/or Shapefiles (`shp/`).
    pub formats: Vec<Format>,
    /// Draw the maps (analyze only).
    pub maps: bool,
    /// Fail (exit 1) on findings at or above this severity.
    pub fail_on: Option<Severity>,
    /// What to run.
    pub scope: Scope,
    /// The day enterprises.csv is judged at (`--as-of`); default the end of
    /// the statistics year.
    pub as_of: Option<crate::enterprises::Day>,
}

/// What a command did.
pub struct Outcome {
    /// The analysis.
    pub analysis: Analysis,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Whether `--fail-on` was triggered.
    pub failed_on: bool,
    /// Why the maps were not drawn (or not all of them), when they were
    /// asked for: everything else was written all the same.
    pub maps_error: Option<crate::maps::MapError>,
}

/// Why a command could not run (exit code 2).
#[derive(Debug)]
pub enum CommandError {
    /// The analysis could not run.
    Run(RunError),
    /// The outputs could not be written.
    Write(WriteError),
    /// The statistics table could not be used at all.
    Stats(crate::evaluate::stats::StatsError),
    /// The maps could not be drawn (no CJK font …).
    Maps(crate::maps::MapError),
    /// The enterprises table could not be used at all.
    Enterprises(crate::enterprises::TableError),
    /// An output would be written over an input (`--out` on the layers folder).
    OutputOverInput {
        /// The input file.
        input: PathBuf,
        /// The output that has its name (`maps/` for anything in that folder).
        output: String,
    },
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::Run(e) => e.fmt(f),
            CommandError::Write(e) => e.fmt(f),
            CommandError::Stats(e) => e.fmt(f),
            CommandError::Maps(e) => e.fmt(f),
            CommandError::Enterprises(e) => e.fmt(f),
            CommandError::OutputOverInput { input, output } => write!(
                f,
                "{}: this is an input, and the run would write its own {output} over it\n\
                 hint: give the outputs a folder of their own, e.g. --out outputs",
                input.display()
            ),
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
    Ok(Request {
        layers,
        config,
        crs: o.crs.clone(),
        repair: o.repair,
        keep_zone_geometry: o.maps && o.scope == Scope::Analyze,
        digest_layers: true,
    })
}

/// Runs `analyze` or `check` and writes the output folder.
pub fn analyze(o: &Options) -> Result<Outcome, CommandError> {
    analyze_with(o, &pipeline::Silent)
}

/// [`analyze`], reporting progress of the long stages.
pub fn analyze_with(o: &Options, progress: &dyn pipeline::Progress) -> Result<Outcome, CommandError> {
    // fail early on an unwritable output folder, before any work
    let mut out = OutputSet::new(&o.out)?;
    let previous = output::atomic::previous_outputs(&o.out);
    let req = request(o)?;
    if let Some((input, output)) = input_in_the_way(&o.out, &req.layers) {
        return Err(CommandError::OutputOverInput { input, output });
    }
    // the inputs' sha256 (for run.json): the layers read natively are hashed
    // as they are read, the others beside the analysis
    let (layers, crs) = (req.layers.clone(), req.crs.clone());
    let digests = std::thread::spawn(move || run_json::digests_not_read(&layers, crs.as_deref()));
    let mut analysis = pipeline::run_with(&req, progress)?;
    let t = std::time::Instant::now();
    let mut names = vec!["blocks.geojson", "overlaps.geojson", "parks.geojson"];

    let evaluation = match o.scope {
        Scope::Check => None,
        Scope::Analyze => Some(evaluate_stage(&req, &mut analysis)?),
    };
    analysis.timings.stages.push(("evaluate", t.elapsed()));
    let t = std::time::Instant::now();
    let consolidation =
        evaluation.as_ref().map(|(ev, facts, table)| consolidate_stage(&req, &mut analysis, ev, facts, table.as_ref()));
    analysis.timings.stages.push(("merges", t.elapsed()));
    let t = std::time::Instant::now();
    let screening = match (&evaluation, &req.layers.enterprises) {
        (Some((_, _, table)), Some(path)) => {
            let plan = consolidation.as_ref().map(|(p, _)| p);
            Some(enterprise_stage(&req, &mut analysis, path, o.as_of, table.as_ref(), plan)?)
        }
        _ => None,
    };
    analysis.timings.stages.push(("enterprises", t.elapsed()));
    let t = std::time::Instant::now();
    let mut extra: Vec<Map<String, Value>> = match &evaluation {
        Some((ev, _, _)) => ev.parks.par_iter().map(indicator_props).collect(),
        None => analysis.parks.iter().map(|_| Map::new()).collect(),
    };
    if let Some((plan, _)) = &consolidation {
        // the first merge of each source park
        let mut merged_into: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for m in &plan.merges {
            merged_into.entry(m.from_park_id.as_str()).or_insert(m.to_park_id.as_str());
        }
        for (i, p) in analysis.parks.iter().enumerate() {
            let into = merged_into.get(p.park_id.as_str()).map(|to| Value::String((*to).to_owned()));
            extra[i].insert("merge_into".into(), into.unwrap_or(Value::Null));
            let role = plan.roles.get(&p.park_id).and_then(|r| serde_json::to_value(r).ok()).unwrap_or(Value::Null);
            extra[i].insert("merge_role".into(), role);
        }
    }
    let share = |b: &str| -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        evaluation.as_ref().and_then(|(ev, _, _)| ev.leading_share.get(b).cloned().flatten()).and_then(|d| d.to_f64())
    };
    // parks.geojson and indicators.csv (and their after-merge versions) share the features
    let park_feats: Vec<OutFeature<'_>> = features::parks(&analysis, &extra).collect();
    let after_feats: Vec<OutFeature<'_>> = match &consolidation {
        Some((_, after)) => features::parks_after(&analysis, after).collect(),
        None => Vec::new(),
    };
    // the files are made in parallel, in batches that keep the order of `names`
    let mut files: Vec<(&str, Fill<'_>)> = vec![
        ("blocks.geojson", geojson_fill(features::blocks(&analysis, &share))),
        ("overlaps.geojson", geojson_fill(features::overlaps(&analysis))),
        ("parks.geojson", geojson_fill(&park_feats)),
    ];
    let mut maps_time = None;
    let mut maps_error = None;
    if let Some((ev, facts, _)) = &evaluation {
        let analysis = &analysis;
        let (park_feats, after_feats) = (&park_feats, &after_feats);
        files.push(("indicators.csv", Box::new(move |w| tables::maps_csv(w, park_feats.iter().map(|(m, _)| m)))));
        names.push("indicators.csv");
        if let Some((plan, _)) = &consolidation {
            files.push(("merges.geojson", geojson_fill(features::merges(plan))));
            files.push(("parks_after.geojson", geojson_fill(after_feats)));
            files.push((
                "indicators_after.csv",
                Box::new(move |w| tables::maps_csv(w, after_feats.iter().map(|(m, _)| m))),
            ));
            names.extend(["merges.geojson", "parks_after.geojson", "indicators_after.csv"]);
        }
        if let Some(sc) = &screening {
            use crate::enterprises::output as ent;
            files.push(("enterprise_findings.csv", Box::new(move |w| ent::findings_csv(w, sc))));
            files.push(("relocations.csv", Box::new(move |w| ent::relocations_csv(w, sc))));
            names.extend(["enterprise_findings.csv", "relocations.csv"]);
        }
        if let (true, Some((plan, after))) = (o.maps, &consolidation) {
            out.write_parallel(std::mem::take(&mut files))?;
            let t = std::time::Instant::now();
            let data = crate::output::map_data::map_data(analysis, ev, plan, after, &timestamp()[..10]);
            // a map that cannot be drawn (no Chinese font …) costs the maps,
            // not the analysis: the rest is written and the error reported
            let (drawn, failed) = maps_stage(&mut out, &data, &req.config.maps, progress)?;
            if drawn.overview {
                names.extend(["map.png", "map.svg"]);
            }
            if drawn.sheets > 0 {
                names.push("maps/");
            }
            maps_error = failed;
            maps_time = Some(t.elapsed());
        }
        let (config, consolidation, screening) = (&req.config, consolidation.as_ref(), screening.as_ref());
        files.push((
            "report.md",
            Box::new(move |w| {
                w.write_all(report::markdown(analysis, ev, facts, config, consolidation, screening).as_bytes())
            }),
        ));
        names.push("report.md");
    }
    let findings = &analysis.findings;
    files.push(("findings.csv", Box::new(move |w| tables::findings_csv(w, findings))));
    files.push(("findings.json", Box::new(move |w| tables::findings_json(w, findings))));
    out.write_parallel(files)?;
    if let Some(d) = maps_time {
        analysis.timings.stages.push(("maps", d));
    }
    names.extend(["findings.csv", "findings.json"]);
    names.push("run.json");
    let mut shapefile_fields = std::collections::BTreeMap::new();
    for f in &o.formats {
        shapefile_fields.extend(export(&out, &analysis, &extra, &share, *f)?);
        names.push(match f {
            Format::Gpkg => "results.gpkg",
            Format::Shp => "shp/",
        });
    }
    let counts = pipeline::severity_counts(&analysis.findings);
    let mut known_digests = digests.join().unwrap_or_default();
    known_digests.extend(analysis.digests.clone());
    let info = run_json::RunInfo {
        tool: format!("yuanqu {}", env!("CARGO_PKG_VERSION")),
        command: o.scope.name(),
        inputs: run_json::inputs(&req.layers, &known_digests),
        config: &req.config,
        account: &analysis.account,
        findings: run_json::FindingCounts { violation: counts[0], warning: counts[1], info: counts[2] },
        outputs: names.iter().map(|s| s.to_string()).collect(),
        maps_error: maps_error.as_ref().map(ToString::to_string),
        shapefile_fields,
        enterprises_as_of: screening.as_ref().map(|s| s.as_of),
        timestamp: timestamp(),
    };
    out.write("run.json", |w| run_json::write(w, &info))?;
    let written = out.commit()?;
    // (what run.json now lists is this run's outputs)
    output::atomic::retire_previous(&o.out, &previous, &info.outputs, &written);
    // (the maps have their own line)
    analysis.timings.stages.push(("write", t.elapsed().saturating_sub(maps_time.unwrap_or_default())));
    let failed_on = o.fail_on.is_some_and(|s| analysis.findings.iter().any(|f| f.severity <= s));
    Ok(Outcome { analysis, written, failed_on, maps_error })
}

/// Everything `analyze` computes — zoning, evaluation, consolidation — with
/// no file written: for library callers such as the planner (`place`).
/// The findings of every stage are in the analysis, as after `analyze`.
pub fn run_all(
    req: &Request,
) -> Result<(Analysis, crate::evaluate::Evaluation, crate::consolidate::Plan), CommandError> {
    let mut analysis = pipeline::run(req)?;
    let (ev, facts, table) = evaluate_stage(req, &mut analysis)?;
    let (plan, _) = consolidate_stage(req, &mut analysis, &ev, &facts, table.as_ref());
    Ok((analysis, ev, plan))
}

/// Evaluation (E1–E13, P1, P2, T1): reads stats.csv, scores the parks, adds
/// the findings to the analysis.
fn evaluate_stage(req: &Request, a: &mut Analysis) -> Result<Evaluated, CommandError> {
    use crate::evaluate::{self, stats, ParkFacts};
    let table = match &req.layers.stats {
        Some(p) => {
            let (t, f) = stats::read_stats(p, &req.config.fields.stats).map_err(CommandError::Stats)?;
            a.findings.extend(f);
            Some(t)
        }
        None => None,
    };
    let facts: Vec<ParkFacts> = a
        .parks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let declared: Option<Vec<f64>> = p.blocks.iter().map(|&b| a.blocks[b].builtup_mu_declared).collect();
            ParkFacts {
                park_id: p.park_id.clone(),
                park_name: p.park_name.clone(),
                county_adcode: p.county_adcode.clone(),
                league_adcode: p.league_adcode.clone(),
                league_name: p.league_name.clone(),
                in_scope: p.in_scope,
                block_ids: p.blocks.iter().map(|&b| a.blocks[b].block_id.clone()).collect(),
                builtup_mu: a.park_builtup[i],
                builtup_declared_mu: declared.map(|v| v.iter().sum()),
                leading_industries: p.leading_industries.clone(),
            }
        })
        .collect();
    let ev = evaluate::evaluate(&facts, table.as_ref(), &req.config.evaluation);
    a.findings.extend(ev.findings.iter().cloned());
    pipeline::sort_findings(&mut a.findings);
    Ok((ev, facts, table))
}

/// The evaluation, the facts it was made from, and the statistics table.
type Evaluated =
    (crate::evaluate::Evaluation, Vec<crate::evaluate::ParkFacts>, Option<crate::evaluate::stats::StatsTable>);

/// Consolidation (C1–C4): plans the merges and re-evaluates the receivers.
fn consolidate_stage(
    req: &Request,
    a: &mut Analysis,
    ev: &crate::evaluate::Evaluation,
    facts: &[crate::evaluate::ParkFacts],
    table: Option<&crate::evaluate::stats::StatsTable>,
) -> (crate::consolidate::Plan, crate::consolidate::stage::After) {
    use crate::consolidate::{self, stage};
    let (parties, mut f) = stage::parties(a, ev);
    let plan = consolidate::plan(&parties, &a.strong, &req.config.layout, &req.config.merge);
    f.extend(plan.findings.iter().cloned());
    let after = stage::what_if(facts, table, &plan, &req.config.evaluation);
    a.findings.extend(f);
    pipeline::sort_findings(&mut a.findings);
    (plan, after)
}

/// Enterprise screening (B1–B4, P3, P4, D11, C5): reads enterprises.csv,
/// screens it as of `--as-of` (else the end of the statistics year) against
/// the parks and the merge plan, and adds the findings to the analysis.
fn enterprise_stage(
    req: &Request,
    a: &mut Analysis,
    path: &std::path::Path,
    as_of: Option<crate::enterprises::Day>,
    stats: Option<&crate::evaluate::stats::StatsTable>,
    plan: Option<&crate::consolidate::Plan>,
) -> Result<crate::enterprises::Screening, CommandError> {
    use crate::enterprises::{self, AsOf, Context};
    let table = enterprises::read_table(path, &req.config.fields.enterprises).map_err(CommandError::Enterprises)?;
    let statistics_year = stats.and_then(|t| t.rows.iter().filter_map(|r| r.year).max());
    let screening = {
        let sites = enterprises::sites(&a.parks, &a.blocks);
        let ctx = Context {
            parks: &sites,
            rejected_parks: &a.account.parks_rejected,
            merges: plan.map_or(&[], |p| &p.merges),
            as_of: AsOf::resolve(as_of, statistics_year),
            config: &req.config.enterprises,
        };
        enterprises::screen(&table, &ctx)
    };
    a.findings.extend(screening.run_findings());
    pipeline::sort_findings(&mut a.findings);
    Ok(screening)
}

/// The evaluation's properties of one park, for parks.geojson and indicators.csv.
fn indicator_props(p: &crate::evaluate::ParkIndicators) -> Map<String, Value> {
    let mut m = match serde_json::to_value(p) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for k in ["park_id", "park_name", "in_scope", "league_adcode", "county_adcode", "league_name"] {
        m.shift_remove(k);
    }
    m.insert("merge_into".into(), Value::Null);
    m
}

#[cfg(feature = "gdal")]
fn export(
    out: &OutputSet,
    a: &Analysis,
    extra: &[Map<String, Value>],
    share: &(dyn Fn(&str) -> Option<f64> + Sync),
    f: Format,
) -> Result<std::collections::BTreeMap<String, String>, WriteError> {
    use crate::output::gdal_export::{export, ExportLayer, GdalFormat};
    let layers = [
        ExportLayer { name: "blocks", lines: false, features: features::blocks(a, share).collect() },
        ExportLayer { name: "overlaps", lines: false, features: features::overlaps(a).collect() },
        ExportLayer { name: "parks", lines: false, features: features::parks(a, extra).collect() },
    ];
    export(out.dir(), &layers, if f == Format::Gpkg { GdalFormat::Gpkg } else { GdalFormat::Shp })
}

#[cfg(not(feature = "gdal"))]
fn export(
    out: &OutputSet,
    _: &Analysis,
    _: &[Map<String, Value>],
    _: &(dyn Fn(&str) -> Option<f64> + Sync),
    _: Format,
) -> Result<std::collections::BTreeMap<String, String>, WriteError> {
    Err(WriteError {
        path: out.dir().display().to_string(),
        message: "GeoPackage and Shapefile output need GDAL; this yuanqu was built without the gdal feature".into(),
    })
}

/// What fills a GeoJSON layer of `feats` (serialised in parallel, in order),
/// given by value or by reference.
fn geojson_fill<'f, 'a: 'f, I>(feats: I) -> Fill<'f>
where
    I: IntoParallelIterator + Send + 'f,
    I::Iter: IndexedParallelIterator,
    I::Item: std::borrow::Borrow<OutFeature<'a>>,
{
    Box::new(move |w| output::geojson::write_collection(w, feats))
}

/// The files `analyze` may write in its folder (beside `maps/` and `shp/`),
/// for the check that none would replace an input. The integration tests
/// hold every `outputs` entry of a full run's run.json to this list.
pub const OUTPUT_FILES: &[&str] = &[
    "blocks.geojson",
    "overlaps.geojson",
    "parks.geojson",
    "indicators.csv",
    "merges.geojson",
    "parks_after.geojson",
    "indicators_after.csv",
    "enterprise_findings.csv",
    "relocations.csv",
    "report.md",
    "findings.csv",
    "findings.json",
    "run.json",
    "map.png",
    "map.svg",
    "results.gpkg",
];

/// An input file that an output of a run into `out` would replace, with
/// the output's name: `--out` on the layers folder would write the
/// results' parks.geojson over the parks read.
fn input_in_the_way(out: &Path, layers: &crate::layers::LayerSet) -> Option<(PathBuf, String)> {
    let out = std::fs::canonicalize(out).ok()?;
    let sources = [&layers.parks, &layers.zones, &layers.builtup, &layers.counties];
    let files = sources
        .into_iter()
        .flatten()
        .filter(|s| !s.location.starts_with("PG:"))
        .map(|s| PathBuf::from(&s.location))
        .chain([&layers.stats, &layers.enterprises, &layers.config].into_iter().flatten().cloned());
    for input in files {
        let Ok(path) = std::fs::canonicalize(&input) else { continue };
        let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else { continue };
        if dir == out && OUTPUT_FILES.contains(&name) {
            return Some((input, name.to_owned()));
        }
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if dir.parent() == Some(out.as_path()) && (folder == "maps" || folder == "shp") {
            return Some((input, format!("{folder}/")));
        }
    }
    None
}

/// What [`maps_stage`] wrote.
struct MapsDrawn {
    /// map.png and map.svg.
    overview: bool,
    /// Sheets in maps/.
    sheets: usize,
}

/// Draws the overview and one sheet per merge (sheets in parallel). A map
/// that cannot be drawn stops the maps, not the run: what was drawn before
/// it stays, and its error is returned beside (only a failure to write is
/// an error of the stage).
fn maps_stage(
    out: &mut OutputSet,
    data: &crate::maps::MapData,
    cfg: &crate::maps::MapConfig,
    progress: &dyn pipeline::Progress,
) -> Result<(MapsDrawn, Option<crate::maps::MapError>), CommandError> {
    let mut drawn = MapsDrawn { overview: false, sheets: 0 };
    // the overview and the sheets, one step each
    progress.start("maps", Some(data.merges.len() as u64 + 1));
    let r = draw_maps(out, data, cfg, progress, &mut drawn);
    progress.finish();
    Ok((drawn, r?))
}

/// [`maps_stage`]'s drawing: `Ok(Some(e))` when map `e` could not be drawn.
fn draw_maps(
    out: &mut OutputSet,
    data: &crate::maps::MapData,
    cfg: &crate::maps::MapConfig,
    progress: &dyn pipeline::Progress,
    drawn: &mut MapsDrawn,
) -> Result<Option<crate::maps::MapError>, CommandError> {
    let overview = match crate::maps::render_overview(data, cfg) {
        Ok(o) => o,
        Err(e) => return Ok(Some(e)),
    };
    out.write("map.png", |w| w.write_all(&overview.png))?;
    out.write("map.svg", |w| w.write_all(overview.svg.as_bytes()))?;
    drawn.overview = true;
    progress.inc(1);
    // drawn in parallel a few at a time and written at once: a national
    // run's sheets are gigabytes, never all in memory
    let batch = 4 * rayon::current_num_threads();
    for merges in data.merges.chunks(batch) {
        let sheets: Vec<Result<crate::maps::RenderedMap, crate::maps::MapError>> = merges
            .par_iter()
            .map(|m| {
                let sheet = crate::maps::render_proposal_sheet(data, m, cfg);
                progress.inc(1);
                sheet
            })
            .collect();
        for (m, sheet) in merges.iter().zip(sheets) {
            let sheet = match sheet {
                Ok(s) => s,
                Err(e) => return Ok(Some(e)),
            };
            out.write(&format!("maps/{}.png", m.from_park_id), |w| w.write_all(&sheet.png))?;
            out.write(&format!("maps/{}.svg", m.from_park_id), |w| w.write_all(sheet.svg.as_bytes()))?;
            drawn.sheets += 1;
        }
    }
    Ok(None)
}

/// UTC time of the run, RFC 3339, from the system clock, or from
/// `SOURCE_DATE_EPOCH` when set (reproducible map titles).
pub(crate) fn timestamp() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
        });
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
