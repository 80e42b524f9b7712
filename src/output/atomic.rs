//! All-or-nothing output: temporary files renamed into place together.

use super::WriteError;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;
use tempfile::NamedTempFile;

/// The temporary files of this process not yet renamed into place or
/// removed: what an interrupted run removes before it exits (see
/// [`remove_live_temporaries_and_exit`]). A set: a national run's sheets
/// are thousands of files, each forgotten as it is renamed.
static LIVE: std::sync::Mutex<std::collections::BTreeSet<PathBuf>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// A new temporary file in `parent`, made and listed in one step (under the
/// list's lock), so that no file exists that an interrupted run would not
/// know to remove.
fn create_temporary(parent: &Path) -> std::io::Result<NamedTempFile> {
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::Builder::new().prefix(".yuanqu-").suffix(".tmp").tempfile_in(parent)?;
    live.insert(tmp.path().to_path_buf());
    Ok(tmp)
}

fn live_forget<'a>(done: impl IntoIterator<Item = &'a Path>) {
    if let Ok(mut l) = LIVE.lock() {
        for p in done {
            l.remove(p);
        }
    }
}

/// Removes the temporary files of this process's runs that are neither
/// renamed into place nor removed yet, says `message` on standard error and
/// ends the process with `code`. For an interrupted run: the binary calls
/// it when SIGINT, SIGTERM or SIGHUP comes, so that Ctrl-C does not leave
/// gigabytes of half-written sheets in the output folder. The list stays
/// locked until the process is gone, so no thread can make a new
/// temporary file after the removal. (SIGKILL cannot be caught: the next
/// run removes what it leaves, after an hour.) Outputs already renamed
/// into place stay; the rest of the folder is as the previous run left it.
pub fn remove_live_temporaries_and_exit(code: i32, message: &str) -> ! {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let removed = live.iter().filter(|p| std::fs::remove_file(p).is_ok()).count();
    eprintln!("{message}: {removed} temporary files removed (outputs already renamed into place stay)");
    std::process::exit(code)
}

/// What fills one file of [`OutputSet::write_parallel`].
pub type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'a>;

/// The files of one run, written to temporary files until [`OutputSet::commit`].
/// Each file is synced to disk in the background as soon as it is written,
/// while the next ones are made.
pub struct OutputSet {
    dir: PathBuf,
    pending: Vec<(NamedTempFile, PathBuf)>,
    syncer: Option<Syncer>,
}

impl OutputSet {
    /// Prepares `dir` (created if missing).
    pub fn new(dir: &Path) -> Result<OutputSet, WriteError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| WriteError { path: dir.display().to_string(), message: e.to_string() })?;
        remove_stale_temporaries(dir);
        Ok(OutputSet { dir: dir.to_path_buf(), pending: Vec::new(), syncer: None })
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `name` (a path relative to the folder) with `fill`.
    pub fn write(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), WriteError> {
        let (tmp, target) = write_temporary(&self.dir, name, fill)?;
        self.syncer.get_or_insert_with(Syncer::start).sync(tmp.as_file());
        self.pending.push((tmp, target));
        Ok(())
    }

    /// Writes several files at once, their fills running in parallel: the
    /// same as [`OutputSet::write`] on each of them, in this order.
    pub fn write_parallel(&mut self, files: Vec<(&str, Fill<'_>)>) -> Result<(), WriteError> {
        let dir = &self.dir;
        let syncer = self.syncer.get_or_insert_with(Syncer::start);
        let written: Vec<Result<(NamedTempFile, PathBuf), WriteError>> = files
            .into_par_iter()
            // every file a task of its own, however the list splits
            .with_max_len(1)
            .map(|(name, fill)| {
                let (tmp, target) = write_temporary(dir, name, fill)?;
                syncer.sync(tmp.as_file());
                Ok((tmp, target))
            })
            .collect();
        for file in written {
            self.pending.push(file?);
        }
        Ok(())
    }

    /// Renames every written file into place, once all are synced.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, WriteError> {
        if let Some(syncer) = self.syncer.take() {
            syncer.finish();
        }
        let mut done = Vec::new();
        for (tmp, target) in std::mem::take(&mut self.pending) {
            readable(tmp.as_file());
            let path = tmp.path().to_path_buf();
            tmp.persist(&target)
                .map_err(|e| WriteError { path: target.display().to_string(), message: e.error.to_string() })?;
            live_forget([path.as_path()]);
            done.push(target);
        }
        Ok(done)
    }
}

impl Drop for OutputSet {
    /// The files not committed are removed (by `NamedTempFile`), and forgotten here.
    fn drop(&mut self) {
        live_forget(self.pending.iter().map(|(t, _)| t.path()));
    }
}

/// Writes `name` into a temporary file beside its target; returns both.
fn write_temporary(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(NamedTempFile, PathBuf), WriteError> {
    let target = dir.join(name);
    let parent = target.parent().unwrap_or(dir).to_path_buf();
    let err = |e: std::io::Error| WriteError { path: target.display().to_string(), message: e.to_string() };
    std::fs::create_dir_all(&parent).map_err(err)?;
    let tmp = create_temporary(&parent).map_err(err)?;
    let filled = {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        fill(&mut w).and_then(|()| w.flush())
    };
    if let Err(e) = filled {
        // (the temporary file goes with `tmp`)
        live_forget([tmp.path()]);
        return Err(err(e));
    }
    Ok((tmp, target))
}

/// A thread that syncs the files handed to it to disk, one after the other
/// (errors are ignored: the rename is what keeps the outputs whole).
struct Syncer {
    files: Sender<File>,
    thread: JoinHandle<()>,
}

impl Syncer {
    /// Starts the thread, waiting for files.
    fn start() -> Syncer {
        let (files, queue) = channel::<File>();
        let thread = std::thread::spawn(move || {
            for f in queue {
                f.sync_all().ok();
            }
        });
        Syncer { files, thread }
    }

    /// Queues `f` (a handle on it); syncs it here if that cannot be done.
    fn sync(&self, f: &File) {
        match f.try_clone().map(|handle| self.files.send(handle)) {
            Ok(Ok(())) => {}
            _ => {
                f.sync_all().ok();
            }
        }
    }

    /// Waits until every queued file is synced.
    fn finish(self) {
        drop(self.files);
        self.thread.join().ok();
    }
}

/// Temporary files left by a run that was killed more than an hour ago (an
/// hour, so that a run writing the same folder now keeps its own), in the
/// folder and in its subfolders (`maps/`), not deeper: the folder may be
/// one with much else in it.
fn remove_stale_temporaries(dir: &Path) {
    stale_temporaries_in(dir, true);
}

fn stale_temporaries_in(dir: &Path, and_subfolders: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let hour = std::time::Duration::from_secs(3600);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            if and_subfolders && !name.starts_with('.') {
                stale_temporaries_in(&e.path(), false);
            }
            continue;
        }
        let old = meta.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|d| d > hour);
        if name.starts_with(".yuanqu-") && name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The outputs the run before this one listed in `dir/run.json` (empty
/// when there is none, when it is not yuanqu's, or when it says nothing
/// usable). Read before this run's run.json replaces it, for
/// [`retire_previous`].
pub fn previous_outputs(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join("run.json")) else { return Vec::new() };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    // another tool's run.json names files that are not ours to remove
    if !v.get("tool").and_then(|t| t.as_str()).is_some_and(|t| t.starts_with("yuanqu ")) {
        return Vec::new();
    }
    let Some(list) = v.get("outputs").and_then(|o| o.as_array()) else { return Vec::new() };
    list.iter().filter_map(|n| n.as_str()).filter(|n| plain_name(n)).map(str::to_owned).collect()
}

/// A name inside the folder: relative, no `..`, not hidden.
fn plain_name(n: &str) -> bool {
    let p = Path::new(n);
    !n.is_empty() && p.components().all(|c| matches!(c, std::path::Component::Normal(_))) && !n.starts_with('.')
}

/// After a commit: removes what the previous run in `dir` wrote
/// (`previous`, the outputs its run.json listed) and this run did not, so that the folder
/// holds one run's outputs. A file it listed and this run's `now` does
/// not is removed; of a folder it listed (`maps/`, `shp/`), the files this
/// run did not write when it wrote into that folder through the output set
/// (`written`), and all its files when this run lists no such folder. A
/// folder this run filled another way (GDAL's `shp/`) is left as it is.
/// Only files are removed, never a folder's subfolders, and nothing the
/// previous run did not list: a user's own files beside the outputs stay (a
/// folder it listed is taken as the tool's, whole). Returns what was
/// removed.
pub fn retire_previous(dir: &Path, previous: &[String], now: &[String], written: &[PathBuf]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut remove = |path: PathBuf| {
        if path.is_file() && std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    };
    for name in previous.iter().filter(|n| plain_name(n)) {
        match name.strip_suffix('/') {
            None if !now.contains(name) => remove(dir.join(name)),
            None => {}
            Some(folder) => {
                let folder = dir.join(folder);
                let listed_now = now.contains(name);
                let ours_now = written.iter().any(|w| w.parent() == Some(folder.as_path()));
                if listed_now && !ours_now {
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(&folder) else { continue };
                let mut stale: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| !written.contains(p))
                    .filter(|p| p.file_name().is_some_and(|f| !f.to_string_lossy().starts_with('.')))
                    .collect();
                stale.sort();
                stale.into_iter().for_each(&mut remove);
                if !listed_now {
                    // (only if it is empty now)
                    let _ = std::fs::remove_dir(&folder);
                }
            }
        }
    }
    removed
}

/// Output files are for others to read too (temporary files start 0600).
#[cfg(unix)]
fn readable(f: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn readable(_: &std::fs::File) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill_with(text: &str) -> Fill<'_> {
        Box::new(move |w: &mut dyn Write| w.write_all(text.as_bytes()))
    }

    #[test]
    fn files_written_in_parallel_are_renamed_in_their_order_at_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputSet::new(dir.path()).unwrap();
        out.write("first.txt", |w| w.write_all(b"first")).unwrap();
        let names: Vec<String> = (0..20).map(|i| format!("sub/{i}.txt")).collect();
        out.write_parallel(names.iter().map(|n| (n.as_str(), fill_with(n))).collect()).unwrap();
        assert!(!dir.path().join("first.txt").exists() && !dir.path().join("sub/0.txt").exists());

        let written = out.commit().unwrap();
        let expected: Vec<PathBuf> =
            std::iter::once(dir.path().join("first.txt")).chain(names.iter().map(|n| dir.path().join(n))).collect();
        assert_eq!(written, expected);
        assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), "first");
        for (path, name) in written[1..].iter().zip(&names) {
            assert_eq!(&std::fs::read_to_string(path).unwrap(), name);
        }
    }

    /// A second run in the same folder leaves one run's outputs: what the
    /// first listed and the second did not write is gone; what the first
    /// did not list (a user's file) and a folder filled another way stay.
    #[test]
    fn the_previous_runs_outputs_that_this_run_did_not_write_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in ["a.csv", "b.csv", "map.png", "maps/P1.png", "maps/P2.png", "shp/x.shp", "notes.txt", "maps/mine.txt"]
        {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), f).unwrap();
        }
        std::fs::write(
            d.join("run.json"),
            r#"{"tool":"yuanqu 0.1.0","outputs":["a.csv","b.csv","map.png","maps/","shp/","../outside.txt","run.json"]}"#,
        )
        .unwrap();
        let previous = previous_outputs(d);
        assert_eq!(previous, ["a.csv", "b.csv", "map.png", "maps/", "shp/", "run.json"]);

        let mut out = OutputSet::new(d).unwrap();
        out.write("a.csv", |w| w.write_all(b"new")).unwrap();
        out.write("maps/P1.png", |w| w.write_all(b"new")).unwrap();
        out.write("run.json", |w| {
            w.write_all(br#"{"tool":"yuanqu 0.1.0","outputs":["a.csv","maps/","shp/","run.json"]}"#)
        })
        .unwrap();
        let written = out.commit().unwrap();
        let now: Vec<String> = ["a.csv", "maps/", "shp/", "run.json"].map(String::from).to_vec();
        let mut removed = retire_previous(d, &previous, &now, &written);
        removed.sort();
        let mut want = vec![d.join("b.csv"), d.join("map.png"), d.join("maps/P2.png"), d.join("maps/mine.txt")];
        want.sort();
        assert_eq!(removed, want);
        for kept in ["a.csv", "maps/P1.png", "shp/x.shp", "notes.txt", "run.json"] {
            assert!(d.join(kept).is_file(), "{kept} was removed");
        }
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "new");

        // a run that lists no maps/ and no shp/ takes both folders away
        let previous = previous_outputs(d);
        let now: Vec<String> = vec!["a.csv".into(), "run.json".into()];
        retire_previous(d, &previous, &now, &[]);
        assert!(!d.join("maps").exists() && !d.join("shp").exists());
        assert!(d.join("a.csv").is_file() && d.join("notes.txt").is_file());

        // another tool's run.json is not read
        std::fs::write(d.join("run.json"), r#"{"tool":"other","outputs":["a.csv","notes.txt"]}"#).unwrap();
        assert!(previous_outputs(d).is_empty());
    }

    #[test]
    fn a_fill_that_fails_fails_the_batch_and_nothing_is_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputSet::new(dir.path()).unwrap();
        let failing: Fill<'_> = Box::new(|_: &mut dyn Write| Err(std::io::Error::other("disk full")));
        let e = out.write_parallel(vec![("a.txt", fill_with("a")), ("b.txt", failing)]).unwrap_err();
        assert!(e.path.ends_with("b.txt") && e.message.contains("disk full"), "{e}");
        drop(out);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
