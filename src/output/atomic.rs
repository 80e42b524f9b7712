//! All-or-nothing output: temporary files renamed into place together.

use super::WriteError;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The files of one run, written to temporary files until [`OutputSet::commit`].
pub struct OutputSet {
    dir: PathBuf,
    pending: Vec<(NamedTempFile, PathBuf)>,
}

impl OutputSet {
    /// Prepares `dir` (created if missing).
    pub fn new(dir: &Path) -> Result<OutputSet, WriteError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| WriteError { path: dir.display().to_string(), message: e.to_string() })?;
        remove_stale_temporaries(dir);
        Ok(OutputSet { dir: dir.to_path_buf(), pending: Vec::new() })
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
        let target = self.dir.join(name);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        let err = |e: std::io::Error| WriteError { path: target.display().to_string(), message: e.to_string() };
        std::fs::create_dir_all(&parent).map_err(err)?;
        let tmp = tempfile::Builder::new().prefix(".yuanqu-").suffix(".tmp").tempfile_in(&parent).map_err(err)?;
        {
            let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
            fill(&mut w).map_err(err)?;
            w.flush().map_err(err)?;
        }
        self.pending.push((tmp, target));
        Ok(())
    }

    /// Renames every written file into place.
    pub fn commit(self) -> Result<Vec<PathBuf>, WriteError> {
        let mut done = Vec::new();
        for (tmp, target) in self.pending {
            tmp.as_file().sync_all().ok();
            readable(tmp.as_file());
            tmp.persist(&target)
                .map_err(|e| WriteError { path: target.display().to_string(), message: e.error.to_string() })?;
            done.push(target);
        }
        Ok(done)
    }
}

/// Temporary files left by a run that was killed more than an hour ago.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let hour = std::time::Duration::from_secs(3600);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let old =
            e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok()).is_some_and(|d| d > hour);
        if name.starts_with(".yuanqu-") && name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Output files are for others to read too (temporary files start 0600).
#[cfg(unix)]
fn readable(f: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn readable(_: &std::fs::File) {}
