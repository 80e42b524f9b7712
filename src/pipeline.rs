//! The analysis, stage by stage: load → validate → measure → rules.
//!
//! Each stage takes the previous stage's values and returns new ones; none
//! reads a file again or prints. [`crate::output`] writes the result.

use crate::config::{Config, ConfigError};
use crate::findings::{Finding, Severity};
use crate::geom::area::area_mu;
use crate::layers::records::{Collector, LayerKind, Loaded, RecordOptions, Rejected, Take};
use crate::layers::{read_source, LayerSet, LoadError, ReadOptions, Source};
use crate::measure::builtup::ParcelIndex;
use crate::measure::overlap::{self, Piece, Targets, Zoning};
use crate::model::{Block, County, Parcel, Zone};
use crate::parks::{self, Park};
use crate::units::Mu;
use crate::{layout, zoning};
use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Reports how far a long stage has come (a progress bar in the CLI).
/// The library never draws anything itself.
pub trait Progress: Sync {
    /// A stage begins; `total` items, or `None` when unknown.
    fn start(&self, stage: &'static str, total: Option<u64>);
    /// `n` more items are done.
    fn inc(&self, n: u64);
    /// The stage is over.
    fn finish(&self);
}

/// No progress reporting.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &'static str, _: Option<u64>) {}
    fn inc(&self, _: u64) {}
    fn finish(&self) {}
}

/// What to run and how.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The inputs.
    pub layers: LayerSet,
    /// The configuration.
    pub config: Config,
    /// CRS for sources that carry none.
    pub crs: Option<String>,
    /// Repair invalid polygons instead of rejecting them.
    pub repair: bool,
    /// Keep every zone's geometry in the analysis (for maps and for checking
    /// proposals). Without it, a zone measured as it was read keeps only its
    /// attributes and box, and the zone layer costs no memory beyond the
    /// batches being read.
    pub keep_zone_geometry: bool,
    /// Take the sha256 of the layers read natively as they are read (for
    /// run.json; [`Analysis::digests`]). Commands that write no run.json
    /// leave it off.
    pub digest_layers: bool,
}

impl Request {
    /// How its layers are read.
    fn read_options(&self) -> ReadOptions {
        ReadOptions { crs: self.crs.clone(), digest: self.digest_layers }
    }
}

/// Why a run could not be done at all (exit code 2).
#[derive(Debug)]
pub enum RunError {
    /// A layer could not be read.
    Load(LoadError),
    /// The configuration could not be used.
    Config(ConfigError),
    /// The parks layer held no usable block.
    NoBlocks {
        /// The parks source.
        file: String,
        /// How many features it held.
        read: usize,
        /// The first reasons, one per rejected feature.
        reasons: Vec<String>,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Load(e) => e.fmt(f),
            RunError::Config(e) => e.fmt(f),
            RunError::NoBlocks { file, read, reasons } => {
                write!(f, "{file}: none of its {read} features is a usable park block")?;
                for r in reasons {
                    write!(f, "\n  {r}")?;
                }
                if *read > reasons.len() {
                    write!(f, "\n  …")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RunError {}

impl From<LoadError> for RunError {
    fn from(e: LoadError) -> Self {
        RunError::Load(e)
    }
}

/// Counts that add up: every input feature is analysed, out of scope or rejected.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Account {
    /// Park-block features read.
    pub blocks_read: usize,
    /// Blocks analysed.
    pub blocks_analysed: usize,
    /// Blocks rejected (each with a finding).
    pub blocks_rejected: usize,
    /// Distinct park ids seen (including those of rejected blocks).
    pub parks_read: usize,
    /// Parks analysed (at least one usable block).
    pub parks_analysed: usize,
    /// Of those, in scope.
    pub parks_in_scope: usize,
    /// Of those, out of scope (S2).
    pub parks_out_of_scope: usize,
    /// Parks with no usable block, each with its reasons in the findings.
    pub parks_rejected: Vec<String>,
    /// Zone features read.
    pub zones_read: usize,
    /// Zones used.
    pub zones_used: usize,
    /// Zones rejected.
    pub zones_rejected: usize,
    /// Of the zones used, those whose box meets no block's box that were
    /// checked for structure only, not swept for self-intersections (with
    /// `[zoning] validate_far_zones = false`; they can change no answer).
    pub zones_structure_only: usize,
    /// Built-up parcels read.
    pub builtup_read: usize,
    /// Built-up parcels used.
    pub builtup_used: usize,
    /// Built-up parcels rejected.
    pub builtup_rejected: usize,
    /// Counties read.
    pub counties_read: usize,
    /// Counties used.
    pub counties_used: usize,
    /// Every rejected feature with its reason.
    pub rejected: Vec<Rejected>,
}

/// Wall time per stage, for benchmarks (never in output files).
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// (stage, duration) in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Work done inside a stage, in processor time summed over threads:
    /// the zones measured against the blocks while they are read.
    pub inside: Vec<(&'static str, Duration)>,
}

/// Everything the analysis found.
pub struct Analysis {
    /// The configuration used.
    pub config: Config,
    /// Usable blocks, input order.
    pub blocks: Vec<Block>,
    /// Geodesic area per block.
    pub block_area: Vec<Mu>,
    /// Usable zones.
    pub zones: Vec<Zone>,
    /// Counties, if a layer was given.
    pub counties: Vec<County>,
    /// Whether a built-up layer was given.
    pub has_builtup: bool,
    /// Built-up area per block (None without a built-up layer).
    pub block_builtup: Vec<Option<Mu>>,
    /// Parks, by park_id.
    pub parks: Vec<Park>,
    /// Built-up area per park, same order.
    pub park_builtup: Vec<Option<Mu>>,
    /// Per-class overlap area per park, same order: (restricted, prohibited).
    pub park_zoning: Vec<(Mu, Mu)>,
    /// Strong counties (L2).
    pub strong: BTreeSet<String>,
    /// Overlaps and per-block zoning totals.
    pub zoning: Zoning,
    /// All findings, in a stable order.
    pub findings: Vec<Finding>,
    /// The account of inputs.
    pub account: Account,
    /// Stage timings.
    pub timings: Timings,
    /// sha256 of each layer read natively, taken as it was read (by
    /// location; with [`Request::digest_layers`]).
    pub digests: BTreeMap<String, String>,
}

impl Analysis {
    /// Whether more than half of park `i` lies in prohibited zones: such a
    /// park cannot receive merges (C3).
    pub fn mostly_prohibited(&self, i: usize) -> bool {
        let (_, prohibited) = self.park_zoning[i];
        self.parks[i].area.0 > 0.0 && prohibited.0 / self.parks[i].area.0 > 0.5
    }
}

fn load<T>(
    src: &Source,
    kind: LayerKind,
    req: &Request,
    fields: &BTreeMap<String, String>,
) -> Result<Loaded<T>, LoadError>
where
    for<'a> Collector<'a, T>: Take,
{
    collect(src, kind, req, fields, &crate::layers::validate, |c, f| c.take(f))
}

/// Reads a layer into records: `work` is done on each feature in the
/// reader, then `take` hands it to the collector (and may look at it).
fn collect<T, F>(
    src: &Source,
    kind: LayerKind,
    req: &Request,
    fields: &BTreeMap<String, String>,
    work: crate::layers::Work<'_>,
    mut take: F,
) -> Result<Loaded<T>, LoadError>
where
    F: for<'a> FnMut(&mut Collector<'a, T>, crate::layers::RawFeature),
{
    let opts = RecordOptions { fields: fields.clone(), repair: req.repair };
    let mut c: Collector<'_, T> = Collector::new(kind, &src.location, &opts);
    let sha256 = read_source(src, &req.read_options(), work, &mut |f| take(&mut c, f))?;
    Ok(Loaded { sha256, ..c.out })
}

/// Per zone, its overlap pieces; `None` for a zone whose geometry changed
/// after it was read (by `--repair`): it is measured later.
type ZonePieces = Vec<Option<Vec<Piece>>>;

/// Loads the zone layer, measuring each zone against the blocks as it is
/// read; `progress` counts the zones.
fn load_zones(
    src: &Source,
    req: &Request,
    targets: &Targets<'_>,
    progress: &dyn Progress,
) -> Result<(Loaded<Zone>, ZonePieces, usize), LoadError> {
    let mut pieces = Vec::new();
    let mut structure_only = 0;
    let work = |f: &mut crate::layers::RawFeature| targets.work(f);
    let fields = &req.config.fields.zones;
    let zones = collect(src, LayerKind::Zones, req, fields, &work, |c: &mut Collector<'_, Zone>, mut f| {
        progress.inc(1);
        let p = f.pieces.take();
        let far = f.structure_only;
        let before = c.out.records.len();
        c.take(f);
        if c.out.records.len() > before {
            structure_only += usize::from(far);
            if let (Some(_), false, Some(z)) = (&p, req.keep_zone_geometry, c.out.records.last_mut()) {
                z.geom = MultiPolygon(Vec::new());
            }
            pieces.push(p);
        }
    })?;
    Ok((zones, pieces, structure_only))
}

/// Runs the zoning part of the analysis (load, validate, measure, layout and zoning rules).
pub fn run(req: &Request) -> Result<Analysis, RunError> {
    run_with(req, &Silent)
}

/// [`run`], reporting progress of the long stages.
pub fn run_with(req: &Request, progress: &dyn Progress) -> Result<Analysis, RunError> {
    let cfg = &req.config;
    let mut timings = Timings::default();
    let mut t = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Timings| {
        timings.stages.push((name, t.elapsed()));
        t = Instant::now();
    };
    let Some(parks_src) = &req.layers.parks else {
        return Err(RunError::Load(LoadError::Missing { layer: "parks".into(), dir: ".".into() }));
    };

    // load (each layer streamed): the parks first, so that each zone is
    // measured against the blocks as it is read
    progress.start("zones read", None);
    let mut blocks_l = load::<Block>(parks_src, LayerKind::Parks, req, &cfg.fields.parks)?;
    // nothing to measure the zones against: say so before reading them
    if blocks_l.records.is_empty() {
        progress.finish();
        let reasons = blocks_l.findings.iter().take(5).map(|f| f.message.clone()).collect();
        return Err(RunError::NoBlocks { file: parks_src.location.clone(), read: blocks_l.read, reasons });
    }
    let block_area: Vec<Mu> = blocks_l.records.par_iter().map(|b| area_mu(&b.geom)).collect();
    let targets = Targets::new(&blocks_l.records, &block_area).validating_far_zones(cfg.zoning.validate_far_zones);
    // the other layers are read beside the zones (errors still come in
    // layer order: zones, built-up, counties)
    let (zones_l, (builtup_l, counties_l)) = rayon::join(
        || req.layers.zones.as_ref().map(|s| load_zones(s, req, &targets, progress)).transpose(),
        || {
            let builtup =
                req.layers.builtup.as_ref().map(|s| load::<Parcel>(s, LayerKind::Builtup, req, &cfg.fields.builtup));
            let counties =
                req.layers.counties.as_ref().map(|s| load::<County>(s, LayerKind::Counties, req, &cfg.fields.counties));
            (builtup, counties)
        },
    );
    let (zones_l, pieces, zones_structure_only) = zones_l?.unwrap_or_default();
    let builtup_l = builtup_l.transpose()?;
    let counties_l = counties_l.transpose()?.unwrap_or_default();
    progress.finish();
    lap("read", &mut timings);
    let read = [
        (Some(parks_src), blocks_l.sha256.clone()),
        (req.layers.zones.as_ref(), zones_l.sha256.clone()),
        (req.layers.builtup.as_ref(), builtup_l.as_ref().and_then(|l| l.sha256.clone())),
        (req.layers.counties.as_ref(), counties_l.sha256.clone()),
    ];
    let digests: BTreeMap<String, String> =
        read.into_iter().filter_map(|(src, sha)| Some((src?.location.clone(), sha?))).collect();

    let mut findings = Vec::new();
    findings.append(&mut blocks_l.findings);
    let mut zones_l = zones_l;
    findings.append(&mut zones_l.findings);
    let mut counties_l = counties_l;
    findings.append(&mut counties_l.findings);
    let mut builtup_l = builtup_l;
    if let Some(b) = builtup_l.as_mut() {
        findings.append(&mut b.findings);
    }

    // zones whose geometry changed after reading (--repair) are measured now
    let pieces: Vec<Vec<Piece>> = pieces
        .into_par_iter()
        .zip(&zones_l.records)
        .map(|(p, z)| p.unwrap_or_else(|| targets.pieces(&z.geom)))
        .collect();
    timings.inside.push(("measure", targets.spent()));
    drop(targets);
    let mut blocks = std::mem::take(&mut blocks_l.records);
    findings.extend(parks::fill_counties(&mut blocks, &counties_l.records));
    let (parks, scope_findings) = parks::group_measured(&blocks, &block_area, &cfg.scope);
    findings.extend(scope_findings);
    findings.extend(parks::cross_park_overlaps(&blocks, &block_area, cfg.zoning.area_tolerance_mu));
    lap("areas", &mut timings);

    progress.start("zone overlaps", Some(blocks.len() as u64));
    let zoning = overlap::from_pieces(&blocks, &block_area, &zones_l.records, pieces, &cfg.zoning, &|| progress.inc(1));
    progress.finish();
    findings.extend(zoning::findings(&zoning, &blocks, &zones_l.records, &cfg.zoning));
    let park_zoning = park_zoning(&parks, &zoning);
    lap("overlap", &mut timings);

    let (block_builtup, park_builtup) = match &builtup_l {
        Some(b) => {
            progress.start("built-up area", None);
            let idx = ParcelIndex::new(&b.records);
            let bb = idx.builtup_each(&blocks.iter().map(|b| &b.geom).collect::<Vec<_>>());
            let pb = idx.builtup_each(&parks.iter().map(|p| &p.geom).collect::<Vec<_>>());
            progress.finish();
            (bb.into_iter().map(Some).collect(), pb.into_iter().map(Some).collect())
        }
        None => (vec![None; blocks.len()], vec![None; parks.len()]),
    };
    lap("builtup", &mut timings);

    let strong = layout::strong_counties(&cfg.layout, &counties_l.records);
    findings.extend(layout::check(&parks, &blocks, &strong, &cfg.layout));
    findings.extend(layout::approved_area(&parks, &blocks, &block_area, &cfg.area));
    lap("rules", &mut timings);

    // the account
    let analysed_parks: BTreeSet<&str> = parks.iter().map(|p| p.park_id.as_str()).collect();
    let rejected_parks: BTreeSet<String> = blocks_l
        .rejected
        .iter()
        .filter_map(|r| r.park_id.clone())
        .filter(|p| !analysed_parks.contains(p.as_str()))
        .collect();
    let mut rejected = blocks_l.rejected.clone();
    rejected.extend(zones_l.rejected.iter().cloned());
    if let Some(b) = &builtup_l {
        rejected.extend(b.rejected.iter().cloned());
    }
    rejected.extend(counties_l.rejected.iter().cloned());
    let parks_without_id = blocks_l.rejected.iter().filter(|r| r.park_id.is_none()).count();
    let account = Account {
        blocks_read: blocks_l.read,
        blocks_analysed: blocks.len(),
        blocks_rejected: blocks_l.rejected.len(),
        parks_read: analysed_parks.len() + rejected_parks.len() + parks_without_id,
        parks_analysed: parks.len(),
        parks_in_scope: parks.iter().filter(|p| p.in_scope).count(),
        parks_out_of_scope: parks.iter().filter(|p| !p.in_scope).count(),
        parks_rejected: rejected_parks.into_iter().collect(),
        zones_read: zones_l.read,
        zones_used: zones_l.records.len(),
        zones_rejected: zones_l.rejected.len(),
        zones_structure_only,
        builtup_read: builtup_l.as_ref().map_or(0, |b| b.read),
        builtup_used: builtup_l.as_ref().map_or(0, |b| b.records.len()),
        builtup_rejected: builtup_l.as_ref().map_or(0, |b| b.rejected.len()),
        counties_read: counties_l.read,
        counties_used: counties_l.records.len(),
        rejected,
    };

    sort_findings(&mut findings);
    Ok(Analysis {
        config: cfg.clone(),
        has_builtup: builtup_l.is_some(),
        blocks,
        block_area,
        zones: zones_l.records,
        counties: counties_l.records,
        block_builtup,
        parks,
        park_builtup,
        park_zoning,
        strong,
        zoning,
        findings,
        account,
        timings,
        digests,
    })
}

/// Per park: the union of its blocks' per-class overlap areas (blocks of a
/// park do not overlap each other, so the block totals add up).
fn park_zoning(parks: &[Park], z: &Zoning) -> Vec<(Mu, Mu)> {
    parks
        .iter()
        .map(|p| {
            p.blocks
                .iter()
                .fold((Mu::ZERO, Mu::ZERO), |(r, q), &i| (r + z.per_block[i].restricted, q + z.per_block[i].prohibited))
        })
        .collect()
}

/// Orders findings so that outputs never depend on thread timing: by
/// severity, rule, park, block, zone, then message.
pub fn sort_findings(f: &mut [Finding]) {
    use rayon::slice::ParallelSliceMut;
    let rank = |id: &str| crate::rules::ALL.iter().position(|r| r.id == id).unwrap_or(usize::MAX);
    // by (severity, rule, park, block, zone, message), ties in input order:
    // two stable sorts, the last by the first keys (each rule ranked once
    // per finding, not per comparison)
    f.par_sort_by(|a, b| {
        (&a.park_id, &a.block_id, &a.zone_id, &a.message).cmp(&(&b.park_id, &b.block_id, &b.zone_id, &b.message))
    });
    f.par_sort_by_cached_key(|x| (x.severity, rank(x.rule)));
}

/// Counts of findings by severity.
pub fn severity_counts(f: &[Finding]) -> [usize; 3] {
    let mut c = [0; 3];
    for x in f {
        c[match x.severity {
            Severity::Violation => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }] += 1;
    }
    c
}
