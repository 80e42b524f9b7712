//! Flags and printing of the planner commands, `proposal` and `place`
//! (the library side is `yuanqu::planner`).

use clap::Args;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::process::ExitCode;
use yuanqu::planner::place::{self, parse_lon_lat, parse_share, parse_wan, PlaceOptions, Project, Wan};
use yuanqu::planner::proposal::{self, ProposalOptions};
use yuanqu::planner::{exit_code, Inputs, PlanError};

/// The layers and configuration, as `analyze` reads them.
#[derive(Args)]
pub struct LayerArgs {
    /// The layers folder (parks.*, zones.*, counties.*, stats.csv, yuanqu.toml).
    #[arg(long)]
    layers: Option<PathBuf>,
    #[command(flatten)]
    sources: super::SourceArgs,
}

impl LayerArgs {
    fn inputs(self) -> Inputs {
        let (mut named, crs, repair) = self.sources.named();
        named.enterprises = None;
        Inputs { layers_dir: self.layers, named, crs, repair }
    }
}

/// `yuanqu proposal`.
#[derive(Args)]
pub struct ProposalArgs {
    /// The proposed park: one feature per block, the fields of the parks layer.
    proposal: String,
    /// Layer name inside a multi-layer proposal source.
    #[arg(long)]
    proposal_layer: Option<String>,
    #[command(flatten)]
    layers: LayerArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Exit with code 1 on warnings too (e.g. a restricted zone, Z1).
    #[arg(long)]
    strict: bool,
    /// Write the zone conflicts (block × zone intersections) to this GeoJSON file.
    #[arg(long, value_name = "OUT.geojson")]
    conflicts: Option<PathBuf>,
    /// Draw the review sheet (the proposal, its zone conflicts, the nearest parks,
    /// the verdict) to this PNG, and the SVG beside it.
    #[arg(long, value_name = "OUT.png")]
    map: Option<PathBuf>,
}

/// `yuanqu place`.
#[derive(Args)]
pub struct PlaceArgs {
    /// The project's industry, named as parks name their leading industries.
    #[arg(long)]
    industry: String,
    /// The site, LON,LAT in degrees.
    #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true)]
    at: geo::Coord<f64>,
    /// Fixed-asset investment, 万元 (T2 contact tier).
    #[arg(long, value_name = "万元", value_parser = parse_wan)]
    investment: Wan,
    /// Expected annual output value, 万元 (split with --split).
    #[arg(long, value_name = "万元", value_parser = parse_wan)]
    output: Option<Wan>,
    /// Expected annual tax, 万元 (split with --split).
    #[arg(long, value_name = "万元", value_parser = parse_wan)]
    tax: Option<Wan>,
    /// The recommending area's share of output value and tax, 0–1 or a percentage (P5).
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    split: Option<Decimal>,
    /// A hazardous-chemical production project (P3: parks without a chemical leading industry refuse it).
    #[arg(long)]
    hazardous_chemicals: bool,
    #[command(flatten)]
    layers: LayerArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Parks listed in the text output.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Draw the site and the best-ranked parks (at most 5) with their distances to this PNG,
    /// and the SVG beside it.
    #[arg(long, value_name = "OUT.png")]
    map: Option<PathBuf>,
}

fn fail(e: &PlanError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ExitCode> {
    match serde_json::to_string_pretty(v) {
        Ok(s) => {
            emit(&s);
            emit("\n");
            Ok(())
        }
        Err(e) => {
            eprintln!("error: the answer cannot be written as JSON: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Runs `yuanqu proposal`.
pub fn proposal(a: ProposalArgs) -> ExitCode {
    let opts = ProposalOptions {
        inputs: a.layers.inputs(),
        proposal: a.proposal,
        proposal_layer: a.proposal_layer,
        conflicts: a.conflicts,
        map: a.map.clone(),
    };
    let report = match proposal::check(&opts) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if a.json {
        if let Err(code) = print_json(&report) {
            return code;
        }
    } else {
        emit(&report.to_text());
        if let (Some(png), None) = (&a.map, &report.map_error) {
            emit(&format!("\nreview sheet: {} and {}\n", png.display(), png.with_extension("svg").display()));
        }
    }
    // a sheet asked for and not drawn fails the command, after the verdict
    if let Some(e) = &report.map_error {
        eprintln!("error: the review sheet was not drawn: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(exit_code(report.verdict, a.strict))
}

/// Runs `yuanqu place`.
pub fn place(a: PlaceArgs) -> ExitCode {
    let opts = PlaceOptions {
        inputs: a.layers.inputs(),
        project: Project {
            industry: a.industry,
            at: a.at,
            investment: a.investment,
            output: a.output,
            tax: a.tax,
            split: a.split,
            hazardous_chemicals: a.hazardous_chemicals,
        },
        map: a.map.clone(),
    };
    let placement = match place::place(&opts) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    if a.json {
        if let Err(code) = print_json(&placement) {
            return code;
        }
    } else {
        emit(&placement.to_text(a.top));
        match &a.map {
            Some(_) if placement.ranking.is_empty() => emit("\nsite map: not drawn, no park can take the project\n"),
            Some(_) if placement.map_error.is_some() => {}
            Some(png) => emit(&format!("\nsite map: {} and {}\n", png.display(), png.with_extension("svg").display())),
            None => {}
        }
    }
    // a map asked for and not drawn fails the command, after the ranking
    if let Some(e) = &placement.map_error {
        eprintln!("error: the site map was not drawn: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(placement.exit_code())
}
