//! Command-line flags (clap) and what is printed. Raw strings end here: the
//! library gets typed options.

mod planner;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use yuanqu::commands::{self, Format, Options, Scope};
use yuanqu::enterprises::Day;
use yuanqu::findings::Severity;
use yuanqu::layers::discover::Named;
use yuanqu::pipeline::severity_counts;

/// Checks industrial parks against zoning and plans their consolidation (内政发〔2019〕21号).
#[derive(Parser)]
#[command(name = "yuanqu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole analysis on a layers folder and write the output folder.
    Analyze(RunArgs),
    /// The zoning part alone: areas, zone overlaps (Z1, Z2), layout rules (L1–L3).
    Check(RunArgs),
    /// The whole analysis with its maps: map.png/svg and maps/<park>.png/svg per proposed merge.
    Map(RunArgs),
    /// Check a proposed park against zoning, the county quota, blocks, industries and scope.
    Proposal(planner::ProposalArgs),
    /// Rank the parks that could take a project; contact tier, P3/P4 checks, the P5 split.
    Place(planner::PlaceArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Violation,
    Warning,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Gpkg,
    Shp,
}

/// Where the inputs are, beyond the layers folder: shared by every command.
#[derive(Args)]
pub(crate) struct SourceArgs {
    /// Park blocks: a file or GDAL source (overrides the folder's parks.*).
    #[arg(long)]
    parks: Option<String>,
    /// Layer name inside a multi-layer parks source (GeoPackage, FileGDB, PostGIS).
    #[arg(long)]
    parks_layer: Option<String>,
    /// Restricted/prohibited zones.
    #[arg(long)]
    zones: Option<String>,
    /// Layer name inside a multi-layer zones source.
    #[arg(long)]
    zones_layer: Option<String>,
    /// Built-up parcels.
    #[arg(long)]
    builtup: Option<String>,
    /// Layer name inside a multi-layer built-up source.
    #[arg(long)]
    builtup_layer: Option<String>,
    /// County boundaries.
    #[arg(long)]
    counties: Option<String>,
    /// Layer name inside a multi-layer counties source.
    #[arg(long)]
    counties_layer: Option<String>,
    /// Statistics table (stats.csv).
    #[arg(long)]
    stats: Option<PathBuf>,
    /// Enterprises table (enterprises.csv).
    #[arg(long)]
    enterprises: Option<PathBuf>,
    /// Configuration file (default: the folder's yuanqu.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// CRS of sources that carry none, e.g. EPSG:4546.
    #[arg(long)]
    crs: Option<String>,
    /// Repair invalid polygons (each repair is reported) instead of rejecting them.
    #[arg(long)]
    repair: bool,
}

impl SourceArgs {
    /// The inputs named on the command line, the CRS and the repair switch.
    pub(crate) fn named(self) -> (Named, Option<String>, bool) {
        let named = Named {
            parks: self.parks,
            parks_layer: self.parks_layer,
            zones: self.zones,
            zones_layer: self.zones_layer,
            builtup: self.builtup,
            builtup_layer: self.builtup_layer,
            counties: self.counties,
            counties_layer: self.counties_layer,
            stats: self.stats,
            enterprises: self.enterprises,
            config: self.config,
        };
        (named, self.crs, self.repair)
    }
}

#[derive(Args)]
struct RunArgs {
    /// The layers folder (parks.*, zones.*, builtup.*, counties.*, stats.csv, yuanqu.toml).
    layers: Option<PathBuf>,
    /// The output folder.
    #[arg(long, short, default_value = "outputs")]
    out: PathBuf,
    #[command(flatten)]
    sources: SourceArgs,
    /// Skip the maps (analyze draws them by default).
    #[arg(long)]
    no_maps: bool,
    /// Judge enterprises.csv as of this day: YYYY-MM-DD, YYYY-MM (its last day) or YYYY (31 December).
    /// Default: the end of the statistics year of stats.csv.
    #[arg(long, value_parser = Day::parse_as_of, value_name = "DATE")]
    as_of: Option<Day>,
    /// Also write GeoPackage (results.gpkg) or Shapefiles (shp/); repeatable. GeoJSON is always written.
    #[arg(long = "format", value_enum)]
    formats: Vec<FormatArg>,
    /// Exit with code 1 when a finding of this severity (or worse) exists.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Print the wall time of each stage on stderr (for benchmarks).
    #[arg(long)]
    timings: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

impl RunArgs {
    fn options(self, scope: Scope) -> Options {
        let (named, crs, repair) = self.sources.named();
        Options {
            layers_dir: self.layers,
            named,
            out: self.out,
            crs,
            repair,
            formats: self
                .formats
                .into_iter()
                .map(|f| match f {
                    FormatArg::Gpkg => Format::Gpkg,
                    FormatArg::Shp => Format::Shp,
                })
                .collect(),
            fail_on: self.fail_on.map(|f| match f {
                FailOn::Violation => Severity::Violation,
                FailOn::Warning => Severity::Warning,
            }),
            scope,
            as_of: self.as_of,
            maps: !self.no_maps,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (args, scope) = match cli.command {
        Command::Analyze(a) => (a, Scope::Analyze),
        Command::Check(a) => (a, Scope::Check),
        Command::Map(mut a) => {
            a.no_maps = false;
            (a, Scope::Analyze)
        }
        Command::Proposal(a) => return planner::proposal(a),
        Command::Place(a) => return planner::place(a),
    };
    let quiet = args.quiet;
    let timings = args.timings;
    let opts = args.options(scope);
    let bar = Bar::new(quiet);
    match commands::analyze_with(&opts, &bar) {
        Ok(o) => {
            if !quiet {
                print_summary(&o);
            }
            if timings {
                for (stage, d) in &o.analysis.timings.stages {
                    eprintln!("{stage:>10} {:9.3} s", d.as_secs_f64());
                }
                for (work, d) in &o.analysis.timings.inside {
                    eprintln!("{work:>10} {:9.3} cpu-s (inside read, summed over threads)", d.as_secs_f64());
                }
            }
            // maps asked for and not drawn fail the command, after the rest
            // was written and summarised
            let code = if let Some(e) = &o.maps_error {
                eprintln!("error: {e}");
                eprintln!(
                    "the analysis itself is complete: everything but the maps was written \
                     (run.json says maps_error); `--no-maps` skips them"
                );
                ExitCode::from(2)
            } else if o.failed_on {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
            // the process ends here: the operating system takes the memory
            // back at once, while freeing a country's zones piece by piece
            // would take a noticeable share of the run
            std::mem::forget(o);
            code
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_summary(o: &commands::Outcome) {
    let a = &o.analysis;
    let acc = &a.account;
    let [v, w, i] = severity_counts(&a.findings);
    println!(
        "parks: {} read, {} analysed ({} in scope, {} out of scope), {} rejected",
        acc.parks_read,
        acc.parks_analysed,
        acc.parks_in_scope,
        acc.parks_out_of_scope,
        acc.parks_rejected.len()
    );
    println!("blocks: {} read, {} analysed, {} rejected", acc.blocks_read, acc.blocks_analysed, acc.blocks_rejected);
    println!(
        "zones: {} read, {} used, {} rejected; overlaps listed: {}",
        acc.zones_read,
        acc.zones_used,
        acc.zones_rejected,
        a.zoning.overlaps.len()
    );
    if acc.zones_structure_only > 0 {
        println!(
            "  ({} zones far from every block were checked for structure only: validate_far_zones = false)",
            acc.zones_structure_only
        );
    }
    println!("findings: {v} violations, {w} warnings, {i} info");
    // the first five, each said once (a county's L1 is a finding of each
    // of its parks, with the same words)
    let mut said: Vec<String> = Vec::new();
    let mut shown = 0;
    for f in a.findings.iter().filter(|f| f.severity == Severity::Violation) {
        let line = f.to_string();
        if !said.contains(&line) {
            if said.len() == 5 {
                break;
            }
            println!("  {line}");
            said.push(line);
        }
        shown += 1;
    }
    if v > shown {
        println!("  … {} more violations in findings.csv", v - shown);
    }
    if let Some(dir) = o.written.first().and_then(|p| p.parent()) {
        println!("wrote {} files to {}", o.written.len(), dir.display());
    }
}

/// Progress bars on stderr: drawn only on a terminal, never with --quiet.
struct Bar {
    bar: indicatif::ProgressBar,
    /// A stage of unknown length has started counting (its count is shown).
    counting: std::sync::atomic::AtomicBool,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let target =
            if quiet { indicatif::ProgressDrawTarget::hidden() } else { indicatif::ProgressDrawTarget::stderr() };
        Bar { bar: indicatif::ProgressBar::with_draw_target(None, target), counting: Default::default() }
    }
}

impl yuanqu::pipeline::Progress for Bar {
    fn start(&self, stage: &'static str, total: Option<u64>) {
        self.bar.reset();
        self.counting.store(total.is_some(), std::sync::atomic::Ordering::Relaxed);
        self.bar.set_length(total.unwrap_or(0));
        let style = match total {
            Some(_) => indicatif::ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} {eta}"),
            None => indicatif::ProgressStyle::with_template("{msg:>16} {spinner} {elapsed}"),
        };
        if let Ok(style) = style {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_message(stage);
        if total.is_none() {
            self.bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }
    fn inc(&self, n: u64) {
        // a stage of unknown length that counts shows its count
        if !self.counting.swap(true, std::sync::atomic::Ordering::Relaxed) {
            if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:>16} {spinner} {human_pos} {elapsed}") {
                self.bar.set_style(style);
            }
        }
        self.bar.inc(n);
    }
    fn finish(&self) {
        self.bar.disable_steady_tick();
        self.bar.finish_and_clear();
    }
}
